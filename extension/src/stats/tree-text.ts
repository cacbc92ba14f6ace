// The texts of the sidebar's tree items (label, description, plain-text tooltip), for the Families
// and Keyspace views. Pure: no `vscode`, no Redis. Everything in them that comes from outside (family
// labels and paths from the code, key names, types and errors from Redis, connection settings) goes
// through `escapeText`, so that no control, bidirectional or invisible character reaches the view.
// Markdown tooltips are built by `buildFamilyHover`, which escapes for Markdown.
import * as path from "node:path";
import { escapeText } from "../../../analyzer/src/format/escape";
import { formatDuration } from "../../../analyzer/src/format/duration";
import { formatBytes, formatCount, formatShare } from "../../../analyzer/src/keyspace/figure-format";
import type { KeyDetails } from "../../../analyzer/src/keyspace/key-inspector";
import type { SnapshotFamily, SnapshotRange } from "../../../analyzer/src/model/workspace-snapshot";
import type { LiveFigures } from "./family-figures";

export interface TreeText {
  label: string;
  description?: string;
  tooltip?: string;
}

/** A family: its label, and its live figures (or its kind) and findings. */
export function describeFamilyItem(
  family: Pick<SnapshotFamily, "label" | "kind" | "findings">,
  live: LiveFigures | undefined,
  hasFigures: boolean,
): TreeText {
  const parts = [
    family.kind === "redis" || family.kind === "remote-kv" ? describeLive(live, hasFigures) : escapeText(family.kind),
    family.findings > 0 ? `${family.findings} finding${family.findings === 1 ? "" : "s"}` : "",
  ].filter(Boolean);
  return { label: escapeText(family.label), description: parts.join(" · ") };
}

/** A code site of a family: `file.ts:12`, with its folder (relative to the workspace) as description. */
export function describeSiteItem(range: Pick<SnapshotRange, "file" | "line">, relativeFolder: string): TreeText {
  return { label: escapeText(`${path.basename(range.file)}:${range.line}`), description: escapeText(relativeFolder) };
}

/** A key no family produces, as a sample under "Keys no family in the code writes". */
export function describeSampleKeyItem(displayKey: string): TreeText {
  return { label: escapeText(displayKey) };
}

/** The figures of a family in one line: `12.3k keys · 3.1% no TTL · 4.1 MB`. */
export function describeLive(live: LiveFigures | undefined, hasFigures: boolean): string {
  // Without any profile or estimate (e.g. while disconnected), "no keys" would be a claim about Redis that nobody checked.
  if (!hasFigures) return "no live figures";
  if (!live || live.keys === 0) return "no keys";
  const keys = live.source === "profile" ? `${formatCount(live.keys)} keys` : `≈${formatCount(live.keys)} keys`;
  const noTtl = live.keysWithoutTtl > 0 ? `${formatShare(live.noTtlShare)} no TTL` : "";
  const memory = live.memoryBytes !== undefined ? formatBytes(live.memoryBytes) : "";
  return [keys, noTtl, memory].filter(Boolean).join(" · ");
}

/** The connection at the root of the Keyspace view. */
export function describeConnectionItem(connection: string | undefined, state: string, allowWrites: boolean): TreeText {
  return {
    label: connection === undefined ? "No connection" : escapeText(connection),
    description:
      state === "connected"
        ? allowWrites
          ? "connected · writes allowed"
          : "connected · read-only"
        : escapeText(state),
  };
}

/** A namespace: `user:` with `120+ keys` (a page's count), and what its keys start with. */
export function describeNamespaceItem(segment: string, delimiter: string, keys: number, prefix: string): TreeText {
  return {
    label: escapeText(`${segment}${delimiter}`),
    description: `${formatCount(keys)}+ keys`,
    tooltip: `Keys starting with ${escapeText(prefix)}`,
  };
}

/** A key: its name after the namespace, type · TTL · size · encoding, and every figure in the tooltip. */
export function describeKeyItem(label: string, details: KeyDetails | undefined): TreeText {
  if (!details) return { label: escapeText(label) };
  const d = details;
  const ttl = d.pttlMs === -1 ? "no TTL" : d.pttlMs === -2 ? "gone" : `TTL ${formatDuration(d.pttlMs, "compact")}`;
  const description = [d.type, ttl, d.memoryBytes !== undefined ? formatBytes(d.memoryBytes) : "", d.encoding ?? ""]
    .filter(Boolean)
    .map(escapeText)
    .join(" · ");
  // One figure per line: the line breaks are ours, everything between them is escaped.
  const tooltip = [
    d.displayKey,
    `type ${d.type}${d.length !== undefined ? `, ${d.length} elements` : ""}`,
    ttl,
    d.memoryBytes !== undefined
      ? `memory ${formatBytes(d.memoryBytes)}`
      : d.denied.includes("memory")
        ? "memory: no permission"
        : "",
    d.encoding ? `encoding ${d.encoding}` : "",
    d.idleSeconds !== undefined
      ? `idle ${formatDuration(d.idleSeconds * 1000, "compact")}`
      : d.frequency !== undefined
        ? `LFU frequency ${d.frequency}`
        : "",
  ]
    .filter(Boolean)
    .map(escapeText)
    .join("\n");
  return { label: escapeText(label), description, tooltip };
}

/** A message in place of a listing (`Disconnected: …`, `Could not list keys: …`): the error text comes from Redis. */
export function describeMessageItem(text: string): TreeText {
  return { label: escapeText(text) };
}
