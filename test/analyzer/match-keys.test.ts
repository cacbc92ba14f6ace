// Live keys → cache families: the matcher that groups a keyspace profile by the families in code.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatKeyForDisplay } from "../../analyzer/src/keyspace/key-format";
import { createKeyMatcher } from "../../analyzer/src/program-model/match-keys";

describe("createKeyMatcher", () => {
  const matcher = createKeyMatcher([
    { id: "user", pattern: "user:{id}" },
    { id: "profile", pattern: "user:{id}:profile" },
    { id: "session", pattern: "demo:session:{token}" },
    { id: "flags", pattern: "flags" },
    { id: "cache", pattern: "cache{name}" },
    { id: "anything", pattern: "{key}" },
    { id: "dots", pattern: "feed.{id}.page" },
  ]);

  it("matches the whole key against the pattern", () => {
    assert.equal(matcher.match("user:42"), "user");
    assert.equal(matcher.match("demo:session:abc"), "session");
    assert.equal(matcher.match("flags"), "flags");
    assert.equal(matcher.match("flags:extra"), undefined);
    assert.equal(matcher.match("demo:sessions:abc"), undefined);
  });

  it("prefers the most specific pattern when several match", () => {
    assert.equal(matcher.match("user:42:profile"), "profile");
    assert.equal(matcher.match("user:42:settings"), "user");
  });

  it("handles patterns without a delimiter in their literal prefix, and regex characters in text", () => {
    assert.equal(matcher.match("cacheProducts"), "cache");
    assert.equal(matcher.match("feed.7.page"), "dots");
    assert.equal(matcher.match("feedX7Xpage"), undefined);
  });

  it("leaves out patterns made only of holes, which would swallow every key", () => {
    assert.equal(matcher.size, 6);
    assert.equal(matcher.match("orphan:1"), undefined);
  });

  it("keys that match no family stay unmatched (they are often leaks)", () => {
    assert.equal(matcher.match("tmp:job:1"), undefined);
    assert.equal(matcher.match(""), undefined);
  });

  it("compares a pattern in the display form the keys arrive in (backslashes doubled, hidden characters escaped)", () => {
    const display = createKeyMatcher([
      { id: "bidi", pattern: "bidi\u202etxt:{id}" },
      { id: "slash", pattern: "path\\dir:{id}" },
      { id: "line", pattern: "line\nbreak:{id}" },
    ]);
    assert.equal(display.match(formatKeyForDisplay(Buffer.from("bidi\u202etxt:7"))), "bidi");
    assert.equal(display.match("bidi\\u202etxt:7"), "bidi");
    assert.equal(display.match(formatKeyForDisplay(Buffer.from("path\\dir:7"))), "slash");
    assert.equal(display.match(formatKeyForDisplay(Buffer.from("line\nbreak:7"))), "line");
    assert.equal(display.match("bidi\u202etxt:7"), undefined, "a raw key is not a display form");
  });

  it("uses the configured delimiter for its index", () => {
    const slashes = createKeyMatcher([{ id: "u", pattern: "app/user/{id}" }], "/");
    assert.equal(slashes.match("app/user/1"), "u");
    assert.equal(slashes.match("app/users/1"), undefined);
  });
});
