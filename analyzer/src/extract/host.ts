// What a host (the CLI or ESLint) hands to extraction. `ts` is injected so that the
// extractor uses the same compiler that built the nodes: SyntaxKind numbers differ
// between TypeScript versions.
import type * as TS from "typescript";
import type { CacheLayer } from "../model/cache-layers";

export type TsModule = typeof TS;

export interface ExtractionHost {
  ts: TsModule;
  program: TS.Program;
  checker: TS.TypeChecker;
  /** Project cache layers declared in the configuration (`cacheLayers`), whose calls are cache sites. */
  cacheLayers?: readonly CacheLayer[];
}

/** Supported TypeScript range for the injected compiler. */
const SUPPORTED_MAJOR_MINOR = [/^5\.[89]\./, /^6\.0\./];

/**
 * Fails loudly when the injected `ts` is not the compiler that produced the nodes, or is a
 * version the extractor was not built for: a mix silently drops findings otherwise.
 */
export function assertHostMatches(host: ExtractionHost, sourceFile: TS.SourceFile): void {
  const { ts } = host;
  if (!SUPPORTED_MAJOR_MINOR.some((pattern) => pattern.test(ts.version))) {
    throw new Error(`cachewise: unsupported TypeScript ${ts.version}; supported: 5.8, 5.9, 6.0`);
  }
  if (sourceFile.kind !== ts.SyntaxKind.SourceFile) {
    throw new Error(
      `cachewise: the injected TypeScript (${ts.version}) does not match the compiler that parsed ${sourceFile.fileName}: ` +
        `SyntaxKind.SourceFile is ${ts.SyntaxKind.SourceFile} but the node has kind ${sourceFile.kind}. ` +
        "Make sure one copy of typescript is installed.",
    );
  }
}
