// Opens SOCKETS tabs of one user, says "READY" once all are in their rooms, then waits for
// COUNT "message" events on each and checks that every tab got them in the order they were
// pushed (bodies "1", "2", …). Prints "IN ORDER" or fails; stops after 20 s.
import { connect } from "./lib.mjs";

const sockets = Number(process.env.SOCKETS);
const count = Number(process.env.COUNT);
const heard = [];
let done = 0;
let finish;
const all = new Promise((resolve) => { finish = resolve; });
await Promise.all(Array.from({ length: sockets }, (_, i) => new Promise((resolve, reject) => {
  const s = connect(process.env.COOKIE);
  heard[i] = [];
  s.once("ready", resolve);
  s.once("connect_error", reject);
  s.on("message", (m) => {
    heard[i].push(Number(m.body));
    if (heard[i].length === count && ++done === sockets) finish();
  });
})));
console.log("READY");
const timer = setTimeout(() => {
  console.log(`only ${done} of ${sockets} tabs got ${count} messages`);
  process.exit(1);
}, 20000);
await all;
clearTimeout(timer);
for (const h of heard) {
  if (!h.every((v, k) => v === k + 1)) {
    console.error(`FAILED: out of order: ${h.join(",")}`);
    process.exit(1);
  }
}
console.log("IN ORDER");
process.exit(0);
