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

/**
 * The TypeScript releases the extractor supports: typescript-eslint's range from 5.0 on. package.json's
 * `peerDependencies.typescript` is this range `|| >=7.0.0` (a test keeps them equal): TypeScript 7 has no
 * JavaScript compiler API that typescript-eslint can load, so no ESLint run reaches the extractor with it,
 * but a project on 7 can still install the package for the CLI, which brings its own compiler.
 */
export const SUPPORTED_TYPESCRIPT = ">=5.0.0 <6.1.0";

/** Whether `version` is in `SUPPORTED_TYPESCRIPT` (5.x, or 6.0.x; pre-releases of those count). */
export function isSupportedTypescript(version: unknown): boolean {
  if (typeof version !== "string") return false;
  const match = /^(\d+)\.(\d+)\./.exec(version);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major === 5 || (major === 6 && minor === 0);
}

/**
 * Fails loudly when the injected `ts` is not the compiler that produced the nodes, or is a
 * version the extractor was not built for: a mix silently drops findings otherwise.
 */
export function assertHostMatches(host: ExtractionHost, sourceFile: TS.SourceFile): void {
  const { ts } = host;
  if (!isSupportedTypescript(ts.version)) {
    throw new Error(
      `cachewise: unsupported TypeScript ${String(ts.version)}; supported: ${SUPPORTED_TYPESCRIPT} (the \`typescript\` that typescript-eslint loads)`,
    );
  }
  if (sourceFile.kind !== ts.SyntaxKind.SourceFile) {
    throw new Error(
      `cachewise: the injected TypeScript (${ts.version}) does not match the compiler that parsed ${sourceFile.fileName}: ` +
        `SyntaxKind.SourceFile is ${ts.SyntaxKind.SourceFile} but the node has kind ${sourceFile.kind}. ` +
        "Make sure one copy of typescript is installed.",
    );
  }
}
