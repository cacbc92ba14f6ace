// The settings table against the manifest, and the typed configuration-change check, without an editor.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  affects,
  RESTRICTED_SETTINGS,
  SETTING_DEFAULTS,
  settingId,
  type ConfigurationChange,
} from "../../extension/src/settings";

const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
const declared: Record<string, { default?: unknown }> = Object.assign(
  {},
  ...[manifest.contributes.configuration].flat().map((c: { properties: object }) => c.properties),
);

/** A change event as VS Code builds it: a setting id affects itself and every section above it. */
function changeOf(...ids: string[]): ConfigurationChange {
  return {
    affectsConfiguration: (section) => ids.some((id) => id === section || id.startsWith(`${section}.`)),
  };
}

describe("settings table", () => {
  it("names exactly the settings the manifest declares, with the same defaults", () => {
    const ours = Object.keys(SETTING_DEFAULTS).map((key) => settingId(key as keyof typeof SETTING_DEFAULTS));
    assert.deepEqual([...ours].sort(), Object.keys(declared).sort());
    for (const [key, value] of Object.entries(SETTING_DEFAULTS))
      assert.deepEqual(value, declared[settingId(key as keyof typeof SETTING_DEFAULTS)]!.default, key);
  });

  it("restricts in untrusted workspaces the settings the manifest restricts", () => {
    assert.deepEqual(
      RESTRICTED_SETTINGS.map(settingId).sort(),
      [...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(),
    );
  });
});

describe("affects", () => {
  it("matches a changed setting by its key and by its group", () => {
    const event = changeOf("cachewise.redis.refreshIntervalSeconds");
    assert.equal(affects(event, "redis.refreshIntervalSeconds"), true);
    assert.equal(affects(event, "redis"), true);
  });

  it("does not match other settings, nor another extension's setting of the same name", () => {
    assert.equal(affects(changeOf("cachewise.redis.sampleSize"), "redis.refreshIntervalSeconds"), false);
    assert.equal(affects(changeOf("cachewise.analysis.enable"), "redis"), false);
    assert.equal(affects(changeOf("other.redis.refreshIntervalSeconds"), "redis.refreshIntervalSeconds"), false);
  });

  it("matches when any of several settings changed", () => {
    assert.equal(affects(changeOf("cachewise.codeLens.enable"), "analysis.enable", "codeLens.enable"), true);
    assert.equal(affects(changeOf("cachewise.codeLens.enable")), false);
  });
});
