// A stand-in for an instrumented service, run as its own process (so that a test busy analysing code does not miss
// Prometheus's scrapes): serves /metrics in Prometheus's text format on a free loopback port and prints the port.
// argv[2] is JSON: [{ name, type, labels, rate } | { name, type, labels, value }]; a series with a rate grows by that
// much a second from the start, one with a value stays there.
import * as http from "node:http";

const series = JSON.parse(process.argv[2]);
const start = Date.now();
const label = (value) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

const server = http.createServer((_request, response) => {
  const elapsed = (Date.now() - start) / 1000;
  const typed = new Set();
  const lines = [];
  for (const s of series) {
    if (!typed.has(s.type.name)) {
      typed.add(s.type.name);
      lines.push(`# TYPE ${s.type.name} ${s.type.kind}`);
    }
    const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${label(v)}`);
    lines.push(`${s.name}{${labels.join(",")}} ${s.value ?? s.rate * elapsed}`);
  }
  response.setHeader("content-type", "text/plain; version=0.0.4");
  response.end(lines.join("\n") + "\n");
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
