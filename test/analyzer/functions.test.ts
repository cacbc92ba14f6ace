import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as TS from "typescript";
import { ts } from "../../analyzer/src/cli/load-projects";
import { findEnclosingFunction, nameFunction, type FunctionNameStyle } from "../../analyzer/src/extract/functions";
import type { TsModule } from "../../analyzer/src/extract/host";

// Each `marker("…")` call stands for a node inside the function under test.
const SOURCE = `
function getUser(id: string) {
  return marker("function declaration");
}
class UserService {
  constructor() {
    marker("constructor");
  }
  get value() {
    return marker("getter");
  }
  rename(name: string) {
    return marker("method");
  }
  onEvent = () => marker("class field");
}
const loadUser = async (id: string) => marker("arrow assigned to a const");
const api = {
  get(id: string) {
    return marker("object-literal method");
  },
};
function listUsers(ids: string[]) {
  return ids.map((id) => marker("callback argument"));
}
exports.load = function () {
  return marker("assigned to a property");
};
function makeService() {
  return class {
    field = marker("class field initialiser");
  };
}
marker("module scope");
`;

const host = ts as unknown as TsModule;
const sourceFile = host.createSourceFile("service.ts", SOURCE, host.ScriptTarget.Latest, true);

function findMarker(label: string): TS.CallExpression {
  let found: TS.CallExpression | undefined;
  const visit = (node: TS.Node): void => {
    if (
      host.isCallExpression(node) &&
      host.isIdentifier(node.expression) &&
      node.expression.text === "marker" &&
      host.isStringLiteral(node.arguments[0]!) &&
      node.arguments[0].text === label
    )
      found = node;
    host.forEachChild(node, visit);
  };
  visit(sourceFile);
  assert.ok(found, `marker("${label}") is in the source`);
  return found;
}

function nameAt(label: string, style: FunctionNameStyle): string {
  const fn = findEnclosingFunction(host, findMarker(label));
  assert.ok(fn, `marker("${label}") is inside a function`);
  return nameFunction(host, fn, style);
}

describe("nameFunction", () => {
  const cases: Array<[label: string, qualified: string, chain: string, site: string]> = [
    ["function declaration", "getUser", "getUser", "getUser"],
    ["method", "UserService.rename", "UserService.rename", "rename"],
    ["arrow assigned to a const", "loadUser", "loadUser", "loadUser"],
    ["object-literal method", "get", "get", "get"],
    ["callback argument", "<handler>", "<anonymous>", "<anonymous>"],
    ["getter", "UserService.value", "value", "value"],
    ["constructor", "UserService.constructor", "new UserService", "constructor"],
    ["class field", "UserService.onEvent", "onEvent", "onEvent"],
    ["assigned to a property", "<handler>", "<anonymous>", "load"],
  ];
  for (const [label, qualified, chain, site] of cases) {
    it(label, () => {
      assert.equal(nameAt(label, "qualified"), qualified);
      assert.equal(nameAt(label, "chain"), chain);
      assert.equal(nameAt(label, "site"), site);
    });
  }

  it("uses the qualified style by default", () => {
    const fn = findEnclosingFunction(host, findMarker("method"));
    assert.ok(fn);
    assert.equal(nameFunction(host, fn), "UserService.rename");
  });
});

describe("findEnclosingFunction", () => {
  it("returns undefined at module scope", () => {
    assert.equal(findEnclosingFunction(host, findMarker("module scope")), undefined);
  });

  it("returns the innermost function, a callback included", () => {
    const fn = findEnclosingFunction(host, findMarker("callback argument"));
    assert.ok(fn && host.isArrowFunction(fn));
  });

  it("walks past the functions `skip` selects", () => {
    const fn = findEnclosingFunction(host, findMarker("callback argument"), { skip: (f) => host.isArrowFunction(f) });
    assert.ok(fn);
    assert.equal(nameFunction(host, fn), "listUsers");
  });

  it("stops at a class field initialiser only when asked", () => {
    const marker = findMarker("class field initialiser");
    const outer = findEnclosingFunction(host, marker);
    assert.ok(outer);
    assert.equal(nameFunction(host, outer), "makeService");
    assert.equal(findEnclosingFunction(host, marker, { stopAtClassField: true }), undefined);
  });

  it("does not return the node itself", () => {
    const method = findEnclosingFunction(host, findMarker("method"));
    assert.ok(method);
    const outer = findEnclosingFunction(host, method);
    assert.equal(outer, undefined);
  });
});
