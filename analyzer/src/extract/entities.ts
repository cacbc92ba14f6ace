// Moved to extract/entities/ (one file per ORM); this path stays until extract-file.ts imports from there.
export { EntityExtractor } from "./entities/entity-extractor";
export type { DescribedAccess } from "./entities/entity-helpers";
