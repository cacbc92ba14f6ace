// Keeps every rule's three files in sync ("one rule, one id, three files"): each rule in the
// registry has a doc whose description and options match the definition, and whose
// ```ts incorrect / ```ts correct examples really lint that way with the typed parser.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { Linter, type ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { RULES } from "../../analyzer/src/rule-registry";
import { rules } from "../../eslint-plugin/src/index";
import { REPOSITORY_URL } from "../../eslint-plugin/src/to-eslint-rule";
import { RULE_TESTER_FIXTURE } from "./rule-tester";

const REPOSITORY = path.resolve(import.meta.dirname, "../..");
const DOCS_DIR = path.join(REPOSITORY, "eslint-plugin/docs/rules");
const RULES_DIR = path.join(REPOSITORY, "analyzer/src/rules");
const TESTS_DIR = path.join(REPOSITORY, "test/eslint-plugin");

interface Example {
  kind: "incorrect" | "correct";
  code: string;
  /** 1-based line of the opening fence in the doc, for failure messages. */
  line: number;
  /** Rule options given as JSON after the kind: ```ts incorrect {"families": […]} */
  options: Record<string, unknown> | undefined;
}

function readDoc(id: string): string {
  return readFileSync(path.join(DOCS_DIR, `${id}.md`), "utf8");
}

function findExamples(markdown: string): Example[] {
  const examples: Example[] = [];
  for (const match of markdown.matchAll(/^```ts (incorrect|correct)(?: (\{.*\}))?\n([\s\S]*?)^```$/gm)) {
    const line = markdown.slice(0, match.index).split("\n").length;
    examples.push({
      kind: match[1] as Example["kind"],
      code: match[3]!,
      line,
      options: match[2] ? (JSON.parse(match[2]) as Record<string, unknown>) : undefined,
    });
  }
  return examples;
}

/** The text of a `## Heading` section, up to the next `## ` heading. */
function findSection(markdown: string, heading: string): string | undefined {
  const start = markdown.search(new RegExp(`^## ${heading}$`, "m"));
  if (start < 0) return undefined;
  const rest = markdown.slice(start + heading.length + 3);
  const next = rest.search(/^## /m);
  return next < 0 ? rest : rest.slice(0, next);
}

const linter = new Linter({ cwd: RULE_TESTER_FIXTURE });
const cachewise = { rules } as unknown as ESLint.Plugin;

/**
 * Lints an example as a real file of the fixture project, so that the project service types it.
 * Every example reuses one file name: the project service caps how many distinct files it
 * accepts into its default project.
 */
function lintExample(id: string, example: Example): Linter.LintMessage[] {
  const file = path.join(RULE_TESTER_FIXTURE, "docs-example.ts");
  writeFileSync(file, example.code);
  try {
    return linter.verify(
      example.code,
      [
        {
          files: ["**/*.ts"],
          languageOptions: {
            parser: tseslint.parser as Linter.Parser,
            parserOptions: { projectService: { allowDefaultProject: ["*.ts"] }, tsconfigRootDir: RULE_TESTER_FIXTURE },
          },
          plugins: { cachewise },
          rules: { [`cachewise/${id}`]: example.options ? ["error", example.options] : "error" },
        },
      ],
      file,
    );
  } finally {
    rmSync(file, { force: true });
  }
}

const formatMessages = (messages: Linter.LintMessage[]) =>
  messages.map((m) => `  ${m.line}:${m.column} ${m.ruleId ?? "fatal"}: ${m.message}`).join("\n");

describe("rule docs", () => {
  it("every rule file is registered and has a doc and a test file", () => {
    const ruleFiles = readdirSync(RULES_DIR)
      .filter((name) => name.endsWith(".ts"))
      .map((name) => name.slice(0, -".ts".length))
      .sort();
    assert.deepEqual(
      ruleFiles,
      RULES.map((rule) => rule.id).sort(),
      "analyzer/src/rules/ and RULES list different rules",
    );
    for (const id of ruleFiles) {
      assert.ok(existsSync(path.join(DOCS_DIR, `${id}.md`)), `missing eslint-plugin/docs/rules/${id}.md`);
      assert.ok(existsSync(path.join(TESTS_DIR, `${id}.test.ts`)), `missing test/eslint-plugin/${id}.test.ts`);
    }
  });

  it("rule docs are linked on the repository named in package.json", () => {
    const manifest = JSON.parse(readFileSync(path.join(REPOSITORY, "package.json"), "utf8")) as {
      repository: { url: string };
    };
    assert.equal(REPOSITORY_URL, manifest.repository.url.replace(/^git\+/, "").replace(/\.git$/, ""));
  });

  it("every doc belongs to a rule", () => {
    const ids = new Set(RULES.map((rule) => rule.id));
    for (const name of readdirSync(DOCS_DIR)) {
      assert.ok(
        name.endsWith(".md") && ids.has(name.slice(0, -".md".length)),
        `eslint-plugin/docs/rules/${name} has no rule`,
      );
    }
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      const docPath = path.join(DOCS_DIR, `${rule.id}.md`);
      const markdown = existsSync(docPath) ? readDoc(rule.id) : "";

      it("has a doc titled with the rule id", () => {
        assert.ok(existsSync(docPath), `missing ${path.relative(REPOSITORY, docPath)}`);
        assert.ok(markdown.startsWith(`# ${rule.id}\n`), `the doc must start with "# ${rule.id}"`);
      });

      it("links its ESLint rule to the doc in the repository, with complete metadata", () => {
        const meta = rules[rule.id]!.meta;
        const docPrefix = `${REPOSITORY_URL}/blob/main/`;
        const url = meta.docs?.url ?? "";
        assert.ok(url.startsWith(docPrefix), `meta.docs.url ${url} is not a file of ${REPOSITORY_URL}`);
        const docFile = url.slice(docPrefix.length);
        assert.equal(docFile, path.relative(REPOSITORY, docPath).split(path.sep).join("/"));
        assert.ok(existsSync(path.join(REPOSITORY, docFile)), `meta.docs.url points at a missing file: ${docFile}`);
        const docs = meta.docs as { recommended?: boolean; requiresTypeChecking?: boolean } | undefined;
        assert.equal(docs?.recommended, rule.recommended !== "off");
        assert.equal(docs?.requiresTypeChecking, true);
        assert.deepEqual(meta.defaultOptions, [rule.defaultOptions]);
      });

      it("states the rule's description verbatim", () => {
        assert.ok(markdown.includes(rule.description), `the doc does not contain the description: ${rule.description}`);
      });

      it("documents every option", () => {
        const options = findSection(markdown, "Options");
        assert.ok(options !== undefined, "the doc has no ## Options section");
        for (const name of Object.keys(rule.schema.properties)) {
          assert.ok(options.includes(`\`${name}\``), `## Options does not mention \`${name}\``);
        }
      });

      it("has examples of both kinds", () => {
        const kinds = new Set(findExamples(markdown).map((example) => example.kind));
        assert.ok(kinds.has("incorrect"), "no ```ts incorrect example");
        assert.ok(kinds.has("correct"), "no ```ts correct example");
      });

      for (const example of findExamples(markdown)) {
        it(`${example.kind} example at line ${example.line} lints as ${example.kind}`, () => {
          const messages = lintExample(rule.id, example);
          const fatal = messages.filter((m) => m.fatal);
          assert.equal(fatal.length, 0, `the example does not parse:\n${formatMessages(fatal)}`);
          const reports = messages.filter((m) => m.ruleId === `cachewise/${rule.id}`);
          if (example.kind === "incorrect") assert.ok(reports.length > 0, "the incorrect example is not reported");
          else assert.equal(reports.length, 0, `the correct example is reported:\n${formatMessages(reports)}`);
        });
      }
    });
  }
});
