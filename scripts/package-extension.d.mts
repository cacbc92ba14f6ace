// Types for package-extension.mjs, which stays plain JavaScript so that it runs with no build step.
/** Packages the extension from a staging folder into `out` (relative to the repository) and returns the absolute path. */
export declare function packageExtension(out: string): string;
/** The extension's manifest (package.json text): `main` at the extension bundle, the npm-only fields out. */
export function extensionManifest(): string;
/** A folder to load the extension from in development: its manifest and links to dist/, media/, README.md, LICENSE. */
export function stageExtensionForDevelopment(folder?: string): string;
