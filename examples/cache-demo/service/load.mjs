// A short load for the demo service: mostly user and product reads, some writes, and e-mail changes that leave
// user:{id} stale in Redis (the demo's deliberate mistake), so every figure has something to show.
//   node examples/cache-demo/service/load.mjs [--url http://127.0.0.1:3000] [--seconds 30] [--rate 200]
const options = { url: "http://127.0.0.1:3000", seconds: 30, rate: 200 };
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, "");
  if (!(name in options)) {
    console.error(`unknown option ${process.argv[i]}`);
    process.exit(2);
  }
  options[name] = name === "url" ? process.argv[i + 1] : Number(process.argv[i + 1]);
}

let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
/** Skewed towards low ids, as real traffic is: a few hot users and products. */
const pick = (n) => 1 + Math.floor(n * random() ** 3);

function nextRequest() {
  const r = random();
  if (r < 0.6) return ["GET", `/users/${pick(500)}`];
  if (r < 0.85) return ["GET", `/products/sku-${pick(200)}`];
  if (r < 0.9) return ["POST", `/users/${pick(500)}/email?value=changed${Math.floor(random() * 1e6)}%40example.com`];
  if (r < 0.93) return ["POST", `/users/${pick(500)}/name?value=Renamed${Math.floor(random() * 1e6)}`];
  if (r < 0.95) return ["POST", `/products/sku-${pick(200)}/price?cents=${100 + Math.floor(random() * 900)}`];
  return ["POST", `/sessions?user=${pick(500)}&ip=10.0.0.${pick(250)}`];
}

const counts = { sent: 0, ok: 0, failed: 0 };
const end = Date.now() + options.seconds * 1000;
const interval = 1000 / options.rate;
const inFlight = new Set();
while (Date.now() < end) {
  const [method, path] = nextRequest();
  counts.sent++;
  const request = fetch(options.url + path, { method })
    .then((response) => (response.ok ? counts.ok++ : counts.failed++))
    .catch(() => counts.failed++);
  inFlight.add(request);
  void request.finally(() => inFlight.delete(request));
  await new Promise((resolve) => setTimeout(resolve, interval));
}
await Promise.all(inFlight);
console.log(JSON.stringify(counts));
process.exit(counts.failed > 0 ? 1 : 0);
