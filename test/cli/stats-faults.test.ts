// `cachewise stats` when Prometheus cannot answer: an address that is not an http URL, nothing listening, an HTTP
// error, a reply that is not JSON or not Prometheus's, a rejected query, a server that never answers. Each is one line
// on stderr that names the server (its password hidden, the server's words escaped), nothing on stdout, exit code 2.
// The servers are small HTTP fakes: a real Prometheus does not misbehave on demand.
import assert from "node:assert/strict";
import type * as http from "node:http";
import { after, describe, it } from "node:test";
import { findFreePort } from "../free-port";
import { writeProject } from "../helpers";
import { runStatsCaptured, serveHttp } from "../metrics/prometheus-harness";

const tsconfig = JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [] }, include: ["src"] });

describe("cachewise stats: failures to ask Prometheus", () => {
  const project = writeProject("stats-faults", {
    "tsconfig.json": tsconfig,
    "src/cache.ts": [
      "declare const redis: { get(key: string): Promise<string | null>; set(key: string, v: string): Promise<unknown> };",
      "export async function get(id: string) {",
      "  return redis.get(`user:${id}`);",
      "}",
      "",
    ].join("\n"),
  });
  const servers: Array<{ close(): Promise<void> }> = [];
  after(() => Promise.all(servers.map((server) => server.close())));

  async function fake(handle: (request: http.IncomingMessage, response: http.ServerResponse) => void): Promise<string> {
    const server = await serveHttp(handle);
    servers.push(server);
    return `http://127.0.0.1:${server.port}`;
  }

  async function expectFailure(argv: string[], stderr: string | RegExp): Promise<void> {
    const run = await runStatsCaptured([...argv, "."], project);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, "");
    if (typeof stderr === "string") assert.equal(run.stderr, `${stderr}\n`);
    else assert.match(run.stderr, stderr);
    assert.equal(run.stderr.split("\n").length, 2, "one line");
  }

  it("rejects an address that is not an http URL, before analysing anything", async () => {
    await expectFailure(
      ["--prometheus", "localhost:9090"],
      'cachewise: --prometheus: "localhost:9090" is not an http or https URL (expected http://host:9090)',
    );
    await expectFailure(
      ["--prometheus", "not a url"],
      'cachewise: --prometheus: "not a url" is not a URL (expected http://host:9090)',
    );
    await expectFailure(
      ["--prometheus", "http://admin:s3cret@127.0.0.1:9090/?x=1"],
      'cachewise: --prometheus: "http://admin:***@127.0.0.1:9090/?x=1" has a query string or fragment: give the server\'s address only (http://host:9090)',
    );
    await expectFailure(
      ["--window", "5 minutes", "--prometheus", "http://127.0.0.1:9090"],
      'cachewise: --window expects a duration of whole seconds such as 30s, 5m, 1h or 1d, got "5 minutes"',
    );
    await expectFailure([], "cachewise: stats needs --prometheus <url>");
  });

  it("names the server nothing listens on, its password hidden", async () => {
    const port = await findFreePort();
    await expectFailure(
      ["--prometheus", `http://admin:s3cret@127.0.0.1:${port}`],
      `cachewise: cannot reach Prometheus at http://admin:***@127.0.0.1:${port}/ (ECONNREFUSED)`,
    );
  });

  it("reports an HTTP error, a reply that is not JSON, and one that is JSON but not Prometheus's", async () => {
    const failing = await fake((_request, response) => {
      response.statusCode = 500;
      response.end("oops");
    });
    await expectFailure(
      ["--prometheus", failing],
      `cachewise: Prometheus at ${failing}/ answered HTTP 500 Internal Server Error to api/v1/query`,
    );
    const html = await fake((_request, response) => {
      response.setHeader("content-type", "text/html");
      response.end("<html>login</html>");
    });
    await expectFailure(
      ["--prometheus", html],
      `cachewise: ${html}/ answered api/v1/query with something that is not JSON (text/html): is it Prometheus?`,
    );
    const other = await fake((_request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } }));
    });
    await expectFailure(
      ["--prometheus", other],
      `cachewise: ${other}/ did not answer as Prometheus's query API does (a "matrix" result where a vector was expected)`,
    );
  });

  it("quotes a rejected query's error, escaped", async () => {
    const rejecting = await fake((_request, response) => {
      response.statusCode = 400;
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error \u001b[2J here\nsecond line" }),
      );
    });
    await expectFailure(
      ["--prometheus", rejecting],
      `cachewise: Prometheus at ${rejecting}/ rejected the query (HTTP 400 Bad Request, bad_data): parse error \\x1b[2J here`,
    );
  });

  it("gives up on a server that does not answer, after the timeout", async () => {
    const hanging = await fake(() => {
      // Never answers.
    });
    const started = Date.now();
    await expectFailure(
      ["--prometheus", hanging, "--timeout", "300"],
      `cachewise: Prometheus at ${hanging}/ did not answer within 0.3 s`,
    );
    // The analysis of the one-file project comes first; the three queries run together, each bounded.
    assert.ok(Date.now() - started < 10_000);
    const slowBody = await fake((_request, response) => {
      response.setHeader("content-type", "application/json");
      response.write('{"status":"success","data":');
    });
    await expectFailure(
      ["--prometheus", slowBody, "--timeout", "300"],
      `cachewise: Prometheus at ${slowBody}/ did not finish its answer within 0.3 s`,
    );
  });
});
