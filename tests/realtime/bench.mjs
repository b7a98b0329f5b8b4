// Fan-out benchmark: N clients in one room, S senders sending R messages a second in all,
// for D seconds. Reports the fan-out latency (send to receipt) p50/p99, the messages
// delivered per second, and the server's resident memory before and with the clients.
//
//   node bench.mjs --url http://127.0.0.1:8080 --pid 1234 [--suku] [--clients 1000]
//
// With --suku the clients log in (a parent for the receivers, the director for the
// senders) and use the school's news channel; otherwise the server is the baseline
// (bench-server.mjs), which has one room and no login.
import { readFileSync } from "node:fs";
import { io } from "socket.io-client";

const arg = (k, d) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const url = arg("url");
const pid = arg("pid");
const suku = process.argv.includes("--suku");
const clients = Number(arg("clients", 1000));
const senders = Number(arg("senders", 10));
const rate = Number(arg("rate", 20));
const seconds = Number(arg("seconds", 10));

const rss = () => {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return Number(m[1]) / 1024;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function login(user, password) {
  const page = await fetch(`${url}/connexion`);
  const cookie = page.headers.get("set-cookie").split(";")[0];
  const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)[1];
  const res = await fetch(`${url}/connexion`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ login: user, password, _csrf: csrf }),
  });
  const set = res.headers.get("set-cookie");
  return (set ? set.split(";")[0] : cookie).replace("suku_session=", "");
}

let conversation = 0;
let parentCookie = null;
let directorCookie = null;
if (suku) {
  parentCookie = await login(arg("parent"), arg("password", "suku2026"));
  directorCookie = await login(arg("director", "directeur@lumiere.tg"), arg("password", "suku2026"));
  const list = await (await fetch(`${url}/messages`, { headers: { cookie: `suku_session=${directorCookie}` } })).text();
  // The news channel is the director's conversation titled as such.
  const m = list.match(/href="\/messages\/(\d+)">\s*<strong>(Informations de l’école|School news)/);
  conversation = Number(m[1]);
}

function open(cookie) {
  return new Promise((resolve, reject) => {
    const s = io(url, {
      transports: ["websocket"],
      extraHeaders: cookie ? { cookie: `suku_session=${cookie}` } : {},
      reconnection: false,
      forceNew: true,
      timeout: 20000,
    });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

const idle = rss();
const receivers = [];
for (let i = 0; i < clients; i += 50) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(50, clients - i) }, () => open(parentCookie))
  );
  receivers.push(...batch);
}
await sleep(1000);
const connected = rss();

const latencies = [];
let delivered = 0;
for (const s of receivers) {
  s.on("message", (m) => {
    const at = Number(String(m.body).split(" ")[1]);
    if (at) {
      latencies.push(performance.timeOrigin + performance.now() - at);
      delivered++;
    }
  });
}
const out = await Promise.all(Array.from({ length: senders }, () => open(directorCookie)));
const total = rate * seconds;
let refused = 0;
const start = performance.now();
for (let n = 0; n < total; n++) {
  const due = start + (n * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  const s = out[n % senders];
  const body = `bench ${performance.timeOrigin + performance.now()}`;
  s.timeout(5000).emit("send", { conversation_id: conversation, body }, (err, ack) => {
    if (err || !ack || ack.ok === false) refused++;
  });
}
// Let the last messages arrive.
await sleep(2000);
const elapsed = (performance.now() - start) / 1000;
const busy = rss();
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
const result = {
  server: suku ? "suku" : "node socket.io",
  clients,
  messages_sent: total,
  refused,
  deliveries: delivered,
  expected_deliveries: total * clients,
  deliveries_per_s: Math.round(delivered / elapsed),
  p50_ms: Number(q(0.5).toFixed(2)),
  p99_ms: Number(q(0.99).toFixed(2)),
  rss_idle_mb: Number(idle.toFixed(1)),
  rss_connected_mb: Number(connected.toFixed(1)),
  rss_after_mb: Number(busy.toFixed(1)),
};
console.log(JSON.stringify(result));
for (const s of [...receivers, ...out]) s.close();
process.exit(0);
