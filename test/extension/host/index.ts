// Entry of the extension-host test suite, with @vscode/test-electron's contract: the extension
// host `require`s the bundle (dist-test/extension-host-tests.cjs) and awaits `run()`, which
// rejects when a test fails. code-server's smoke-test driver uses the same contract
// (test/extension-ui/run-extension-host-tests.ts), so the suite runs on both.
import Mocha from "mocha";

export async function run(): Promise<void> {
  // No colours: the output goes to a log or a forwarded console, not a terminal.
  const mocha = new Mocha({ ui: "bdd", color: false, timeout: 120_000, reporter: "spec" });
  // The suite is bundled, not loaded from a file: give it mocha's globals (describe, it, before)
  // first, then load it; the dynamic import keeps its top level from running before that.
  mocha.suite.emit("pre-require", globalThis, "suite.ts", mocha);
  await import("./suite");
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension-host test${failures === 1 ? "" : "s"} failed`);
}
