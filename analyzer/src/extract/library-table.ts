// Transitional: importers of the old library table move to the library adapters (analyzer/src/libraries/).
export { findPackageOfDeclarationFile } from "../libraries/registry";
export { REDIS_CONSUMING_COMMANDS } from "../libraries/redis-protocol";
