// Types for package-extension.mjs, which stays plain JavaScript so that it runs with no build step.
/** Packages the extension from a staging folder into `out` (relative to the repository) and returns the absolute path. */
export declare function packageExtension(out: string): string;
