// Which files hold the service's request paths, as opposed to tests, scripts and migrations.

/**
 * Tests, fixtures, one-off scripts, migrations and seeds: their writes are not the service's
 * request paths (and a script cannot invalidate another process's in-memory cache anyway).
 */
export function isTestFile(file: string): boolean {
  return (
    isTestCode(file) ||
    /(^|\/)(scripts|migrations|seeds?)\//.test(file) ||
    /(^|\/)seed([-_.][\w.-]*)?\.[cm]?[jt]s$/.test(file)
  );
}

/** Test code only (`*.test.ts`, `*.spec.ts`, `__tests__/`, `__mocks__/`): keys and caches that live for one test run. */
export function isTestCode(file: string): boolean {
  return /(^|\/)(__tests__|__mocks__)\//.test(file) || /\.(test|spec|e2e-spec)\.[cm]?[jt]sx?$/.test(file);
}
