// The typed rule contract: `tsc -p .` type-checks this file, so each `@ts-expect-error` below
// fails the type check if the contract stops rejecting that mistake; the runtime part checks
// what `defineRule` hands the hosts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FileCacheModel, Span } from "../../analyzer/src/model/cache-model";
import { defineRule, findingOf, formatMessage, type RuleContext, type RuleReport } from "../../analyzer/src/model/rule";

const messages = {
  tooLong: "`{{name}}` lives for {{ttl}}.",
  noTtl: "`{{name}}` never expires.",
  suggestTtl: "Add a TTL of {{ttl}}.",
} as const;

const span: Span = { file: "/project/a.ts", start: 10, end: 20, line: 2, column: 3, endLine: 2, endColumn: 13 };
const finding = findingOf(messages);

const reports: Array<RuleReport<typeof messages>> = [
  { messageId: "tooLong", data: { name: "cache", ttl: "1 d" }, span, familyIds: ["redis|user:{}"] },
  finding(
    span,
    "noTtl",
    { name: "cache" },
    { suggestions: [{ messageId: "suggestTtl", data: { ttl: "1 h" }, edits: [] }] },
  ),
  // @ts-expect-error -- a message id the rule does not have
  { messageId: "tooLng", data: { name: "cache", ttl: "1 d" }, span },
  // @ts-expect-error -- a placeholder of the message is missing from the data
  { messageId: "tooLong", data: { name: "cache" }, span },
  // @ts-expect-error -- data the message has no placeholder for
  finding(span, "noTtl", { name: "cache", ttl: "1 d" }),
  // @ts-expect-error -- the constructor checks message ids too
  finding(span, "noTTL", { name: "cache" }),
  finding(
    span,
    "noTtl",
    { name: "cache" },
    {
      // @ts-expect-error -- a suggestion's data follows its own message
      suggestions: [{ messageId: "suggestTtl", data: { name: "cache" }, edits: [] }],
    },
  ),
];

const rule = defineRule<{ checkAll: boolean }, typeof messages>({
  id: "example-rule",
  description: "An example.",
  recommended: "error",
  hasSuggestions: true,
  messages,
  schema: { type: "object", properties: {}, additionalProperties: false },
  defaultOptions: { checkAll: true },
  check: (_model, context) => (context.options.checkAll ? reports.slice(0, 2) : []),
});

describe("defineRule", () => {
  const context: RuleContext<{ checkAll: boolean }> = {
    options: { checkAll: true },
    formatLocation: () => "a.ts:2",
    getProgramModel: () => assert.fail("not needed"),
  };
  const findings = rule.check({} as FileCacheModel, context);

  it("adds the rule id and keeps every report's message, data, span, suggestions and families", () => {
    assert.deepEqual(findings, [
      {
        ruleId: "example-rule",
        messageId: "tooLong",
        data: { name: "cache", ttl: "1 d" },
        span,
        suggestions: [],
        familyIds: ["redis|user:{}"],
      },
      {
        ruleId: "example-rule",
        messageId: "noTtl",
        data: { name: "cache" },
        span,
        suggestions: [{ messageId: "suggestTtl", data: { ttl: "1 h" }, edits: [] }],
      },
    ]);
  });

  it("renders every sentence from the rule's own templates", () => {
    assert.deepEqual(
      findings.map((f) => formatMessage(rule.messages[f.messageId], f.data)),
      ["`cache` lives for 1 d.", "`cache` never expires."],
    );
  });
});
