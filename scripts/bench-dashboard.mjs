// The dashboard benchmark's measures (scripts/bench-dashboard runs the server and calls this).
//
// 1. Load: USERS virtual parents each load their full dashboard in a loop over their own
//    keep-alive connection (the page, then its widgets one after the other), for SECONDS.
//    A dashboard's time is the sum of its requests' times. The baseline in the same run is
//    the same number of requests to /healthz (the ceiling of this machine): the ratio says
//    what the dashboard costs beyond the bare server.
// 2. First load on a phone: Chromium (through chromedriver, WebDriver over plain HTTP) with
//    a mobile profile opens the dashboard once to fill its caches, then again: the bytes
//    transferred beyond the cached static files, by Resource Timing, and whether ECharts
//    was fetched.
//
//   node scripts/bench-dashboard.mjs BASE COOKIE [USERS] [SECONDS]
import http from "node:http";
import { spawn } from "node:child_process";

const [base, cookie, usersArg, secondsArg] = process.argv.slice(2);
const USERS = +(usersArg || 64);
const SECONDS = +(secondsArg || 10);
const url = new URL(base);

function get(agent, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get({ host: url.hostname, port: url.port, path, agent, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, body, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on("error", reject);
  });
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : NaN;
}

async function load(paths, headers) {
  const totals = [];
  const until = Date.now() + SECONDS * 1000;
  let failed = 0;
  await Promise.all(
    Array.from({ length: USERS }, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      while (Date.now() < until) {
        let sum = 0;
        for (const p of paths) {
          const r = await get(agent, p, headers);
          if (r.status !== 200) failed++;
          sum += r.ms;
        }
        totals.push(sum);
      }
      agent.destroy();
    })
  );
  totals.sort((a, b) => a - b);
  return { n: totals.length, p50: pct(totals, 50), p99: pct(totals, 99), failed };
}

const headers = { Cookie: cookie, "HX-Request": "true" };
const page = await get(new http.Agent(), "/parent", { Cookie: cookie });
if (page.status !== 200) throw new Error(`the parent's dashboard answered ${page.status}`);
const widgets = [...page.body.matchAll(/hx-get="(\/tableau\/widgets\/[^"]+)"/g)].map((m) => m[1].replaceAll("&amp;", "&"));
const paths = ["/parent", ...widgets];
console.log(`load: ${USERS} parents, ${SECONDS} s each, a dashboard = the page and ${widgets.length} widgets`);
const ceiling = await load(paths.map(() => "/healthz"), {});
const dash = await load(paths, headers);
const f = (x) => x.toFixed(1);
console.log(`  /healthz x${paths.length}: ${ceiling.n} dashboards, p50 ${f(ceiling.p50)} ms, p99 ${f(ceiling.p99)} ms`);
console.log(`  dashboard:   ${dash.n} dashboards, p50 ${f(dash.p50)} ms, p99 ${f(dash.p99)} ms, ${dash.failed} failed requests`);
console.log(`  ratio to the ceiling: p50 x${f(dash.p50 / ceiling.p50)}, p99 x${f(dash.p99 / ceiling.p99)}; dashboards per second ${f(dash.n / SECONDS)} against ${f(ceiling.n / SECONDS)}`);
// One user alone: the server time of a dashboard without the queue of 64 connections.
const solo = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
for (let i = 0; i < 50; i++) {
  let sum = 0;
  for (const p of paths) sum += (await get(agent, p, headers)).ms;
  solo.push(sum);
}
solo.sort((a, b) => a - b);
console.log(`  one parent alone: p50 ${f(pct(solo, 50))} ms, p99 ${f(pct(solo, 99))} ms for the ${paths.length} requests`);

// ---------------------------------------------------------------- the phone's first load
const driverPort = 9515 + Math.floor(Math.random() * 300);
const driver = spawn(process.env.CHROMEDRIVER || "/usr/bin/chromedriver", [`--port=${driverPort}`], { stdio: "ignore" });
const wd = async (method, path, body) => {
  const r = await fetch(`http://127.0.0.1:${driverPort}${path}`, {
    method, headers: { "Content-Type": "application/json" }, body: body && JSON.stringify(body),
  });
  const j = await r.json();
  if (j.value && j.value.error) throw new Error(JSON.stringify(j.value));
  return j.value;
};
try {
  for (let i = 0; i < 50; i++) {
    try { await fetch(`http://127.0.0.1:${driverPort}/status`); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  const session = await wd("POST", "/session", {
    capabilities: { alwaysMatch: { "goog:chromeOptions": {
      binary: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=fr-FR"],
      mobileEmulation: { deviceMetrics: { width: 360, height: 740, pixelRatio: 2, touch: true },
        userAgent: "Mozilla/5.0 (Linux; Android 11; itel A70) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36" },
    } } },
  });
  const s = `/session/${session.sessionId}`;
  const [name, value] = cookie.split("=");
  await wd("POST", `${s}/url`, { url: `${base}/hors-ligne` });
  await wd("POST", `${s}/cookie`, { cookie: { name, value, path: "/" } });
  const settle = `const done = arguments[arguments.length - 1];
    const wait = () => document.querySelector('[data-widget][aria-busy]') ? setTimeout(wait, 50) : setTimeout(done, 300);
    wait();`;
  const visit = async () => {
    await wd("POST", `${s}/url`, { url: `${base}/parent` });
    await wd("POST", `${s}/execute/async`, { script: settle, args: [] });
    return wd("POST", `${s}/execute/sync`, {
      script: `const all = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
        return all.map(e => ({ name: e.name, size: e.transferSize, body: e.encodedBodySize }));`,
      args: [],
    });
  };
  const first = await visit();
  await wd("POST", `${s}/execute/async`, {
    script: `const done = arguments[arguments.length - 1];
      navigator.serviceWorker.ready.then(() => { const w = () => navigator.serviceWorker.controller ? done() : setTimeout(w, 50); w(); });`,
    args: [],
  });
  const again = await visit();
  const kb = (n) => (n / 1024).toFixed(1);
  const isStatic = (e) => new URL(e.name).pathname.startsWith("/static/");
  const sum = (list) => list.reduce((a, e) => a + e.size, 0);
  console.log("first load on a phone (360 px, mobile Chrome):");
  console.log(`  first visit: ${kb(sum(first))} KB in all, of which ${kb(sum(first.filter(isStatic)))} KB of static files (cached after)`);
  console.log(`  beyond the static files: ${kb(sum(first.filter((e) => !isStatic(e))))} KB on the first visit, ${kb(sum(again.filter((e) => !isStatic(e))))} KB on the next (budget 60 KB)`);
  for (const e of first.filter((e) => !isStatic(e))) console.log(`    ${kb(e.size)} KB  ${new URL(e.name).pathname}`);
  const echarts = [...first, ...again].some((e) => e.name.includes("echarts"));
  console.log(`  ECharts fetched: ${echarts ? "YES (it must not be)" : "no"}`);
  await wd("DELETE", s);
} finally {
  driver.kill();
}
