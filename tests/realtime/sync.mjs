// A user who was away connects and catches up: what was written meanwhile is waiting.
import { connect, connected, ask, check } from "./lib.mjs";

const s = await connected(connect(process.env.COOKIE));
const conv = Number(process.env.CONVERSATION);
const r = await ask(s, "sync", { conversation_id: conv, after: 0 });
check(r.ok === true, "sync answered");
const bodies = r.messages.map((m) => m.body);
console.log(JSON.stringify(bodies));
check(bodies.includes(process.env.EXPECT), `the waiting message is there: ${process.env.EXPECT}`);
s.close();
process.exit(0);
