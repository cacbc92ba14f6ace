// Failure modes: Redis down, a server that never answers, a server that drops the connection.
// A tiny RESP-speaking fake server stands in for Redis where a real one cannot misbehave on cue.
import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, it } from "node:test";
import { KeyspaceConnectionError, openKeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import type { KeyspaceConnection } from "../../analyzer/src/keyspace/connection";
import { inspectKey } from "../../analyzer/src/keyspace/key-inspector";
import { profileKeyspace } from "../../analyzer/src/keyspace/profile-keyspace";
import { findFreePort } from "../free-port";
import { runKeyspaceCaptured } from "../helpers";

type Reply = string | null | { hang: true } | { close: true };

/** Parses RESP arrays of bulk strings (what clients send) and answers each command via `handle`. */
function startFakeRedis(
  handle: (command: string[]) => Reply,
): Promise<{ port: number; stop(): Promise<void>; commands: string[][] }> {
  const commands: string[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parseCommand(buffer);
        if (!parsed) return;
        buffer = buffer.subarray(parsed.length);
        commands.push(parsed.args);
        const reply = answerAclProbe(parsed.args) ?? handle(parsed.args);
        if (reply && typeof reply === "object" && "close" in reply) {
          socket.destroy();
          return;
        }
        if (reply && typeof reply === "object") continue;
        socket.write(reply === null ? "$-1\r\n" : reply);
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        commands,
        stop: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * The profile starts with TYPE and PTTL of a key name nobody uses (its ACL probe): answered as
 * Redis answers them for a missing key, so that each fake misbehaves where its test says.
 */
function answerAclProbe(command: string[]): string | undefined {
  if (!command[1]?.startsWith("~~cachewise-acl-probe~~")) return undefined;
  const name = command[0].toLowerCase();
  return name === "type" ? "+none\r\n" : name === "pttl" ? ":-2\r\n" : undefined;
}

function parseCommand(buffer: Buffer): { args: string[]; length: number } | undefined {
  const text = buffer.toString("latin1");
  if (!text.startsWith("*")) return undefined;
  let at = text.indexOf("\r\n");
  if (at < 0) return undefined;
  const count = Number(text.slice(1, at));
  let offset = at + 2;
  const args: string[] = [];
  for (let i = 0; i < count; i++) {
    at = text.indexOf("\r\n", offset);
    if (at < 0) return undefined;
    const size = Number(text.slice(offset + 1, at));
    const start = at + 2;
    if (text.length < start + size + 2) return undefined;
    args.push(text.slice(start, start + size));
    offset = start + size + 2;
  }
  return { args, length: offset };
}

const OK = "+OK\r\n";
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const open: KeyspaceConnection[] = [];

before(() => {
  process.on("unhandledRejection", onUnhandled);
});

after(async () => {
  for (const connection of open) await connection.close();
  process.off("unhandledRejection", onUnhandled);
});

describe("faults", () => {
  it("names the unreachable host:port when Redis is down, quickly and without stray rejections", async () => {
    const port = await findFreePort();
    const started = Date.now();
    await assert.rejects(
      openKeyspaceConnection({ name: "down", url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 1000 }),
      (error: unknown) => {
        assert.ok(error instanceof KeyspaceConnectionError);
        assert.equal(error.message, `down: Redis at 127.0.0.1:${port} is unreachable (connection refused)`);
        assert.equal(error.code, "ECONNREFUSED");
        assert.equal(error.address, `127.0.0.1:${port}`);
        return true;
      },
    );
    assert.ok(Date.now() - started < 3000);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(unhandled, []);
  });

  it("times out on a server that never answers instead of hanging", async () => {
    const mute = await startFakeRedis(() => ({ hang: true }));
    try {
      const started = Date.now();
      await assert.rejects(
        openKeyspaceConnection({
          name: "mute",
          nodes: [{ host: "127.0.0.1", port: mute.port }],
          commandTimeoutMs: 300,
          connectTimeoutMs: 1000,
        }),
        (error: unknown) => {
          assert.ok(error instanceof KeyspaceConnectionError);
          assert.equal(error.message, `mute: Redis at 127.0.0.1:${mute.port} is not answering (command timed out)`);
          return true;
        },
      );
      assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
    } finally {
      await mute.stop();
    }
    const fake = await startFakeRedis((command) =>
      command[0].toLowerCase() === "client" ? OK : command[0].toLowerCase() === "ping" ? "+PONG\r\n" : { hang: true },
    );
    try {
      const connection = await openKeyspaceConnection({
        name: "slow",
        nodes: [{ host: "127.0.0.1", port: fake.port }],
        commandTimeoutMs: 300,
        connectTimeoutMs: 1000,
      });
      open.push(connection);
      const started = Date.now();
      await assert.rejects(profileKeyspace(connection), /timed out/i);
      await assert.rejects(inspectKey(connection, "k"), /timed out/i);
      assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
    } finally {
      await fake.stop();
    }
  });

  it("times out, not hangs, when the raw inspection socket gets no answer or is dropped", async () => {
    const info = "# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\n";
    for (const onInspect of [{ hang: true } as const, { close: true } as const]) {
      const fake = await startFakeRedis((command) => {
        switch (command[0].toLowerCase()) {
          case "client":
            return OK;
          case "ping":
            return "+PONG\r\n";
          case "info":
            return `$${info.length}\r\n${info}\r\n`;
          case "scan":
            return "*2\r\n$1\r\n0\r\n*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n";
          case "type":
            // Only the raw socket sends TYPE here: it is the one that gets stuck or dropped.
            return onInspect;
          default:
            return "-ERR unknown command\r\n";
        }
      });
      try {
        const connection = await openKeyspaceConnection({
          name: "stuck",
          nodes: [{ host: "127.0.0.1", port: fake.port }],
          commandTimeoutMs: 300,
          connectTimeoutMs: 1000,
        });
        open.push(connection);
        const started = Date.now();
        await assert.rejects(profileKeyspace(connection), "hang" in onInspect ? /timed out/i : /closed/i);
        assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
        assert.ok(
          fake.commands.some((c) => c[0] === "TYPE"),
          "the raw socket sent the inspection",
        );
      } finally {
        await fake.stop();
      }
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(unhandled, []);
  });

  it("fails with an error, not a hang, when the server drops the connection mid-profile", async () => {
    const fake = await startFakeRedis((command) => {
      switch (command[0].toLowerCase()) {
        case "client":
        case "select":
          return OK;
        case "ping":
          return "+PONG\r\n";
        case "info":
          return "$40\r\n# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n\r\n".replace(
            "$40",
            `$${"# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n".length}`,
          );
        case "scan":
          return { close: true };
        default:
          return "-ERR unknown command\r\n";
      }
    });
    try {
      const connection = await openKeyspaceConnection(
        {
          name: "flaky",
          nodes: [{ host: "127.0.0.1", port: fake.port }],
          commandTimeoutMs: 500,
          connectTimeoutMs: 1000,
        },
        { maxReconnectAttempts: 2 },
      );
      open.push(connection);
      const started = Date.now();
      await assert.rejects(profileKeyspace(connection));
      assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
      assert.ok(fake.commands.some((c) => c[0].toLowerCase() === "scan"));
    } finally {
      await fake.stop();
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(unhandled, []);
  });

  it("says a server that answers HTTP is not a Redis server, naming it", async () => {
    const sockets = new Set<net.Socket>();
    const http = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("data", () => socket.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const { port } = http.address() as net.AddressInfo;
    try {
      const result = await runKeyspaceCaptured(["--redis", `redis://127.0.0.1:${port}`, "--timeout", "1000"]);
      assert.deepEqual(
        [result.code, result.stdout, result.stderr],
        [
          2,
          "",
          `cachewise: 127.0.0.1:${port} is not a Redis server: its reply is not the Redis protocol (it began with "H")\n`,
        ],
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  it("names the server and says the figures are incomplete when Redis goes away mid-profile", async () => {
    const info = "# Keyspace\r\ndb0:keys=4,expires=0,avg_ttl=0\r\n";
    for (const mode of [["--full"], ["--sample", "2"]]) {
      let scans = 0;
      const fake = await startFakeRedis((command) => {
        switch (command[0].toLowerCase()) {
          case "client":
            return OK;
          case "ping":
            return "+PONG\r\n";
          case "info":
            return `$${info.length}\r\n${info}\r\n`;
          case "config":
            return "*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n";
          case "scan":
            // The first page has keys and more to come; Redis dies at the second.
            scans += 1;
            if (scans === 1) return "*2\r\n$2\r\n17\r\n*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n";
            setImmediate(() => void fake.stop());
            return { close: true };
          case "type":
            return "+string\r\n";
          case "pttl":
            return ":-1\r\n";
          case "memory":
          case "object":
            return ":5\r\n";
          default:
            return "-ERR unknown command\r\n";
        }
      });
      const result = await runKeyspaceCaptured([
        "--redis",
        `redis://127.0.0.1:${fake.port}`,
        "--timeout",
        "1000",
        ...mode,
      ]);
      assert.equal(result.code, 2, result.stdout);
      assert.equal(result.stdout, "");
      assert.match(
        result.stderr,
        new RegExp(
          `^cachewise: lost the connection to 127\\.0\\.0\\.1:${fake.port} db 0 during the ${mode[0] === "--full" ? "full profile" : "sampled estimate"} \\(.+\\): the figures so far are incomplete, so none are shown\\n$`,
        ),
      );
      assert.ok(scans >= 2, "Redis went away after the first SCAN page");
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(unhandled, []);
  });
});
