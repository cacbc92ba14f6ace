// `cachewise keyspace --memcached` against a real memcached (Debian's 1.6.18 in CI): exact figures
// per family of the Memcached fixture project, sizes that add up to the server's own `bytes`,
// nothing written, hostile keys escaped; and the ways a profile ends early: a cap, a server that
// goes away or stalls mid-dump (a proxy in front of the real server stops forwarding after a
// known number of items), metadump disabled, refused by an old server, or busy.
import assert from "node:assert/strict";
import * as net from "node:net";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { MemcachedSocket, parseMemcachedAddress } from "../../analyzer/src/keyspace/memcached-socket";
import { decodeMetadumpKey, parseMetadumpLine } from "../../analyzer/src/keyspace/profile-memcached";
import { FIXTURES, runKeyspaceCaptured } from "../helpers";
import { fillMemcached, findFreePort, readStats, startMemcached, type MemcachedItem } from "./memcached-harness";
import type { MemcachedProcess } from "./memcached-harness";

const FIXTURE = path.join(FIXTURES, "memcached");
/** U+202E RIGHT-TO-LEFT OVERRIDE: reorders what follows it on a terminal. */
const RLO = "\u202e";

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** 2,102 items over four families of the fixture, keys no family writes, one large item and one hostile key. */
function buildItems(): MemcachedItem[] {
  const inTwoDays = Math.floor(Date.now() / 1000) + 2 * 86_400;
  return [
    ...range(1000).map((i) => ({ key: `user:${i}`, value: JSON.stringify({ id: i }), exptime: 1800 })),
    ...range(500).map((i) => ({ key: `session:tok${i}`, value: "s", exptime: 59 })),
    ...range(300).map((i) => ({ key: `plan:${i}`, value: "plan", exptime: 0 })),
    // Above 30 days Memcached reads the exptime as a Unix time.
    ...range(200).map((i) => ({ key: `report:weekly:${i}`, value: "r", exptime: inTwoDays })),
    ...range(100).map((i) => ({ key: `legacy:thing:${i}`, value: "l", exptime: 0 })),
    { key: "blob:1", value: "x".repeat(50_000), exptime: 0 },
    { key: Buffer.from(`${RLO}evil:1`), value: "e", exptime: 0 },
  ];
}
const ITEM_COUNT = 2102;

const READ_COUNTERS = [
  "cmd_get",
  "cmd_set",
  "cmd_touch",
  "cmd_flush",
  "get_hits",
  "get_misses",
  "delete_hits",
  "delete_misses",
  "touch_hits",
  "incr_hits",
  "total_items",
  "curr_items",
];

describe("cachewise keyspace --memcached", () => {
  let server: MemcachedProcess;
  let address: string;

  before(async () => {
    server = await startMemcached();
    address = `127.0.0.1:${server.port}`;
    await fillMemcached(server.port, buildItems());
  });
  after(() => server?.stop());

  it("groups every item by the project's Memcached families, exactly, and writes nothing", async () => {
    const before = await readStats(server.port);
    const result = await runKeyspaceCaptured(["--memcached", address, "--format", "json", FIXTURE]);
    const after = await readStats(server.port);
    assert.equal(result.code, 0, result.stderr);
    const profile = JSON.parse(result.stdout);
    assert.equal(profile.mode, "memcached");
    assert.equal(profile.version, "1.6.18");
    assert.equal(profile.complete, true);
    assert.equal(profile.stopReason, "complete");
    assert.equal(profile.itemsRead, ITEM_COUNT);
    assert.equal(profile.keysAtStart, ITEM_COUNT);
    assert.equal(profile.total.keys, ITEM_COUNT);
    const byFamily = Object.fromEntries(
      profile.families.map((f: { family: string | null; stats: unknown }) => [f.family ?? "(none)", f.stats]),
    );
    assert.deepEqual(
      Object.fromEntries(Object.entries(byFamily).map(([name, stats]) => [name, (stats as { keys: number }).keys])),
      { "user:{id}": 1000, "session:{token}": 500, "plan:{id}": 300, "report:weekly:{id}": 200, "(none)": 102 },
    );
    const histogram = (name: string) => byFamily[name].ttlHistogram;
    assert.deepEqual(histogram("user:{id}"), {
      "<1m": 0,
      "1–10m": 0,
      "10m–1h": 1000,
      "1–6h": 0,
      "6–24h": 0,
      "1–7d": 0,
      ">7d": 0,
      "no expiry": 0,
    });
    assert.equal(histogram("session:{token}")["<1m"], 500);
    assert.equal(histogram("report:weekly:{id}")["1–7d"], 200, "an absolute exptime is read as the time it names");
    assert.equal(byFamily["plan:{id}"].keysWithoutTtl, 300);
    assert.equal(byFamily["(none)"].keysWithoutTtl, 102);
    assert.equal(profile.total.keysWithoutTtl, 402);
    // TTL p50 of user:{id}: written with 1800 s a moment ago.
    assert.ok(byFamily["user:{id}"].ttlP50Ms > 1_700_000 && byFamily["user:{id}"].ttlP50Ms <= 1_800_000);
    // Just written: the last access is the write.
    assert.ok(profile.total.idle.maxSeconds < 60, JSON.stringify(profile.total.idle));
    // Item sizes are Memcached's own: they add up to its `bytes` counter.
    assert.equal(profile.total.memory.totalBytes, Number(before.get("bytes")));
    assert.equal(profile.total.memory.keysMeasured, ITEM_COUNT);
    assert.equal(profile.total.largestKeys[0].key, "blob:1");
    assert.ok(profile.total.largestKeys[0].bytes > 50_000);
    // Read-only: no item counter moved.
    for (const counter of READ_COUNTERS) assert.equal(after.get(counter), before.get(counter), counter);
  });

  it("prints the families, the TTL distribution and namespaces, with hostile keys escaped", async () => {
    const result = await runKeyspaceCaptured(["--memcached", address, FIXTURE]);
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout;
    assert.match(
      out,
      new RegExp(
        `^Memcached profile of ${address} \\(1\\.6\\.18\\): 2,102 items in [\\d.]+ s from lru_crawler metadump\\n`,
      ),
    );
    assert.doesNotMatch(out, /PARTIAL/);
    assert.match(out, /^user:\{id\} +1,000 +0 +\S+ +[\d.]+ KB +\d+ B +\S+ +none$/m);
    assert.match(out, /^plan:\{id\} +300 +300 +— /m);
    assert.match(out, /^Remaining TTL per family:$/m);
    assert.match(out, /^report:weekly:\{id\} +0 +0 +0 +0 +0 +200 +0 +0$/m);
    assert.match(out, /^\(no family in code\) +102 +102 /m);
    assert.ok(out.includes("\\u202eevil"), "the namespace of the hostile key is shown escaped");
    assert.ok(!out.includes(RLO), "no raw override character reaches the terminal");
  });

  it("stops at --max-keys and says the figures are partial; the server then dumps in full again", async () => {
    const capped = await runKeyspaceCaptured(["--memcached", address, "--max-keys", "700", "--format", "json"]);
    assert.equal(capped.code, 0, capped.stderr);
    const profile = JSON.parse(capped.stdout);
    assert.equal(profile.complete, false);
    assert.equal(profile.stopReason, "max-keys");
    assert.equal(profile.itemsRead, 700);
    assert.equal(profile.total.keys, 700);
    const pretty = await runKeyspaceCaptured(["--memcached", address, "--max-keys", "700"]);
    assert.match(
      pretty.stdout,
      /^PARTIAL: stopped at the cap of 700 items; the figures cover the 700 items read of about 2,102 the server held at the start, not the whole server$/m,
    );
    // Closing the connection mid-dump leaves the crawler free (or busy for a moment: retried).
    const full = await runKeyspaceCaptured(["--memcached", address, "--format", "json"]);
    assert.equal(full.code, 0, full.stderr);
    assert.equal(JSON.parse(full.stdout).itemsRead, ITEM_COUNT);
  });

  it("refuses to send anything but its four read-only commands", async () => {
    const socket = await MemcachedSocket.connect("127.0.0.1", server.port);
    try {
      await assert.rejects(
        () => socket.request("flush_all"),
        /cachewise sends only read-only commands to Memcached, not "flush_all"/,
      );
      assert.deepEqual(await socket.request("version"), ["VERSION 1.6.18"]);
    } finally {
      socket.close();
    }
  });

  it("rejects options that do not apply to Memcached", async () => {
    const sample = await runKeyspaceCaptured(["--memcached", address, "--sample", "10"]);
    assert.equal(sample.code, 2);
    assert.equal(sample.stderr, "cachewise: --sample does not apply to --memcached\n");
    const cap = await runKeyspaceCaptured(["--redis", "redis://127.0.0.1:1", "--max-keys", "10"]);
    assert.equal(cap.code, 2);
    assert.equal(cap.stderr, "cachewise: --max-keys bounds a --memcached profile only\n");
    const bad = await runKeyspaceCaptured(["--memcached", "127.0.0.1:99999"]);
    assert.equal(bad.stderr, "cachewise: --memcached: port 99999 is out of range (1–65535)\n");
  });
});

/**
 * A TCP proxy in front of a real memcached that forwards the server's replies until `holdAfter`
 * dump lines (`key=…`) have passed, then forwards nothing more. When the server goes away, the
 * proxy closes the client's connection as the server's own closing would.
 */
function startHoldingProxy(upstreamPort: number, holdAfter: number): Promise<{ port: number; stop(): void }> {
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    let keyLines = 0;
    let holding = false;
    let lineStart = true;
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk: Buffer) => {
      if (holding) return;
      for (let i = 0; i < chunk.length; i++) {
        if (lineStart && chunk.toString("latin1", i, i + 4) === "key=") keyLines++;
        lineStart = chunk[i] === 0x0a;
        if (lineStart && keyLines === holdAfter) {
          client.write(chunk.subarray(0, i + 1));
          holding = true;
          return;
        }
      }
      client.write(chunk);
    });
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.on("error", () => undefined);
    upstream.on("error", () => undefined);
  });
  return new Promise((resolve) =>
    proxy.listen(0, "127.0.0.1", () =>
      resolve({
        port: (proxy.address() as net.AddressInfo).port,
        stop: () => {
          for (const socket of sockets) socket.destroy();
          proxy.close();
        },
      }),
    ),
  );
}

/** A fake Memcached that answers `stats settings` and the metadump as told (old servers, a busy crawler). */
function startFakeMemcached(
  answer: (command: string, count: number) => string,
): Promise<{ port: number; stop(): void }> {
  const counts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      for (let at = text.indexOf("\r\n"); at >= 0; at = text.indexOf("\r\n")) {
        const command = text.slice(0, at);
        text = text.slice(at + 2);
        const count = (counts.get(command) ?? 0) + 1;
        counts.set(command, count);
        if (command === "version") socket.write("VERSION 1.4.5\r\n");
        else if (command === "stats")
          socket.write(`STAT time ${Math.floor(Date.now() / 1000)}\r\nSTAT curr_items 2\r\nEND\r\n`);
        else socket.write(answer(command, count));
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        stop: () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      }),
    ),
  );
}

describe("cachewise keyspace --memcached: a profile that cannot finish", () => {
  it("a server killed mid-dump: the figures printed are marked partial with the items read", async () => {
    const server = await startMemcached();
    try {
      await fillMemcached(
        server.port,
        range(3000).map((i) => ({ key: `user:${i}`, value: "v", exptime: 0 })),
      );
      const proxy = await startHoldingProxy(server.port, 1234);
      try {
        const run = runKeyspaceCaptured([
          "--memcached",
          `127.0.0.1:${proxy.port}`,
          "--format",
          "json",
          "--timeout",
          "20000",
        ]);
        // Let the dump reach the hold, then take the server away.
        await new Promise((r) => setTimeout(r, 500));
        server.kill();
        const result = await run;
        assert.equal(result.code, 2);
        const profile = JSON.parse(result.stdout);
        assert.equal(profile.complete, false);
        assert.equal(profile.stopReason, "connection-lost");
        assert.equal(profile.itemsRead, 1234);
        assert.equal(profile.total.keys, 1234);
        assert.equal(profile.keysAtStart, 3000);
        assert.match(
          result.stderr,
          new RegExp(
            `^cachewise: the connection to 127\\.0\\.0\\.1:${proxy.port} was lost after 1,234 items \\(.+\\): the figures above are partial \\(1,234 items read\\)\\n$`,
          ),
        );
      } finally {
        proxy.stop();
      }
    } finally {
      await server.stop();
    }
  });

  it("a server that stalls mid-dump: stopped after --timeout of silence, partial", async () => {
    const server = await startMemcached();
    try {
      await fillMemcached(
        server.port,
        range(2000).map((i) => ({ key: `k:${i}`, value: "v", exptime: 0 })),
      );
      const proxy = await startHoldingProxy(server.port, 900);
      try {
        const result = await runKeyspaceCaptured(["--memcached", `127.0.0.1:${proxy.port}`, "--timeout", "400"]);
        assert.equal(result.code, 2);
        assert.match(
          result.stdout,
          /^PARTIAL: 127\.0\.0\.1:\d+ sent nothing for 400 ms after 900 items; the figures cover the 900 items read of about 2,000 /m,
        );
        assert.match(result.stderr, /the figures above are partial \(900 items read\)\n$/);
      } finally {
        proxy.stop();
      }
    } finally {
      await server.stop();
    }
  });

  it("--max-time stops a dump the server has stopped sending, and says so", async () => {
    const server = await startMemcached();
    try {
      await fillMemcached(
        server.port,
        range(2000).map((i) => ({ key: `k:${i}`, value: "v", exptime: 0 })),
      );
      const proxy = await startHoldingProxy(server.port, 900);
      try {
        const started = Date.now();
        const result = await runKeyspaceCaptured([
          "--memcached",
          `127.0.0.1:${proxy.port}`,
          "--max-time",
          "1",
          "--timeout",
          "20000",
          "--format",
          "json",
        ]);
        assert.ok(Date.now() - started < 10_000, "the budget, not the 20 s timeout, ended it");
        assert.equal(result.code, 0, result.stderr);
        const profile = JSON.parse(result.stdout);
        assert.equal(profile.complete, false);
        assert.equal(profile.stopReason, "max-time");
        assert.equal(profile.stopDetail, "stopped at the time budget of 1 s");
        assert.equal(profile.itemsRead, 900);
      } finally {
        proxy.stop();
      }
    } finally {
      await server.stop();
    }
  });

  it("an unreachable server is named, with nothing printed as figures", async () => {
    const port = await findFreePort();
    const result = await runKeyspaceCaptured(["--memcached", `127.0.0.1:${port}`]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    assert.equal(result.stderr, `cachewise: could not connect to Memcached at 127.0.0.1:${port}: ECONNREFUSED\n`);
  });

  it("metadump disabled (-X) or the LRU crawler off: says which, and why no figure can be shown", async () => {
    for (const [args, expected] of [
      [["-X"], /does not allow lru_crawler metadump \(it was started with -X \/ dump disabled\)/],
      [["-o", "no_lru_crawler"], /the LRU crawler of this Memcached is disabled \(-o no_lru_crawler\)/],
    ] as const) {
      const server = await startMemcached([...args]);
      try {
        const result = await runKeyspaceCaptured(["--memcached", `127.0.0.1:${server.port}`]);
        assert.equal(result.code, 2);
        assert.equal(result.stdout, "");
        assert.match(result.stderr, expected);
      } finally {
        await server.stop();
      }
    }
  });

  it("an old server answering ERROR to metadump, and a crawler that stays busy", async () => {
    const old = await startFakeMemcached(() => "ERROR\r\n");
    try {
      const result = await runKeyspaceCaptured(["--memcached", `127.0.0.1:${old.port}`]);
      assert.equal(result.code, 2);
      assert.equal(
        result.stderr,
        `cachewise: 127.0.0.1:${old.port}: this Memcached does not know lru_crawler metadump (it needs 1.4.31 or later), so its items cannot be listed (server replied "ERROR")\n`,
      );
    } finally {
      old.stop();
    }
    const busy = await startFakeMemcached((command) =>
      command === "lru_crawler metadump all" ? "BUSY currently processing crawler request\r\n" : "END\r\n",
    );
    try {
      const result = await runKeyspaceCaptured(["--memcached", `127.0.0.1:${busy.port}`]);
      assert.equal(result.code, 2);
      assert.match(
        result.stderr,
        /stayed busy with another crawl .* \(server replied "BUSY currently processing crawler request"\)\n$/,
      );
    } finally {
      busy.stop();
    }
  });

  it("a crawler busy for a moment is asked again", async () => {
    const now = Math.floor(Date.now() / 1000);
    const fake = await startFakeMemcached((command, count) =>
      command !== "lru_crawler metadump all"
        ? "END\r\n"
        : count < 3
          ? "BUSY currently processing crawler request\r\n"
          : `key=a%3A1 exp=-1 la=${now} cas=1 fetch=no cls=1 size=70\nkey=a%3A2 exp=${now + 90} la=${now - 30} cas=2 fetch=yes cls=1 size=80 future=1\nEND\r\n`,
    );
    try {
      const result = await runKeyspaceCaptured(["--memcached", `127.0.0.1:${fake.port}`, "--format", "json"]);
      assert.equal(result.code, 0, result.stderr);
      const profile = JSON.parse(result.stdout);
      assert.equal(profile.itemsRead, 2);
      assert.deepEqual(profile.total.sampleKeys, ["a:1", "a:2"]);
      assert.equal(profile.total.memory.totalBytes, 150);
      assert.equal(profile.total.ttlHistogram["1–10m"], 1);
      assert.equal(profile.total.keysWithoutTtl, 1);
    } finally {
      fake.stop();
    }
  });
});

describe("Memcached metadump parsing", () => {
  it("parses item lines by field name and decodes URL-encoded keys byte for byte", () => {
    assert.deepEqual(
      parseMetadumpLine(Buffer.from("key=a%2520b%FF exp=1796215824 la=1796215724 cas=2 fetch=no cls=1 size=68")),
      {
        key: Buffer.from([0x61, 0x25, 0x32, 0x30, 0x62, 0xff]),
        exp: 1796215824,
        la: 1796215724,
        size: 68,
      },
    );
    assert.equal(parseMetadumpLine(Buffer.from("key=x exp=-1 la=5 cas=1 fetch=no cls=1"))?.size, undefined);
    assert.equal(parseMetadumpLine(Buffer.from("garbage")), undefined);
    assert.deepEqual(decodeMetadumpKey(Buffer.from("100%zz%4")), Buffer.from("100%zz%4"));
  });

  it("parses addresses, with 11211 by default", () => {
    assert.deepEqual(parseMemcachedAddress("cache.internal"), { host: "cache.internal", port: 11211 });
    assert.deepEqual(parseMemcachedAddress("[::1]:11311"), { host: "::1", port: 11311 });
    assert.throws(() => parseMemcachedAddress("a b"), /is not a host:port address/);
  });
});
