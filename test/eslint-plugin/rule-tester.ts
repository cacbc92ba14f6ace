// Shared setup for the typed RuleTester tests: wires RuleTester to node:test and points the
// project service at test/fixtures/rule-tester, whose tsconfig gives the default project its
// compiler options. The fixture sits under the repository, so library imports resolve from
// the repository's node_modules.
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { RuleTester } from "@typescript-eslint/rule-tester";

RuleTester.afterAll = after;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

export const RULE_TESTER_FIXTURE = path.resolve(import.meta.dirname, "../fixtures/rule-tester");

/** The file name every case is linted as: a placeholder that exists in the fixture. */
export const FILENAME = "file.ts";

export function createRuleTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.ts"] },
        tsconfigRootDir: RULE_TESTER_FIXTURE,
      },
    },
  });
}

/** Joins source lines into a module, so that each case reads top to bottom with visible line numbers. */
export function lines(...source: string[]): string {
  return `${source.join("\n")}\n`;
}
