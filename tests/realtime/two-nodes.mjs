// Two nodes joined through Redis: a teacher connected to node B receives what a parent
// sends on node A, and node B's typing indicator reaches node A.
import { connect, connected, next, ask, check } from "./lib.mjs";

const conv = Number(process.env.CONVERSATION);
const t = await connected(connect(process.env.COOKIE_TEACHER, { url: process.env.URL_B }));
const p = await connected(connect(process.env.COOKIE_PARENT, { url: process.env.URL_A }));
const got = next(t, "message", 5000, (m) => m.body === "Envoyé sur le nœud A");
const r = await ask(p, "send", { conversation_id: conv, body: "Envoyé sur le nœud A" });
check(r.ok === true, `sent on node A: ${r.id}`);
const m = await got;
check(m.id === r.id, "received on node B");
const typing = next(p, "typing", 3000);
t.emit("typing", { conversation_id: conv });
await typing;
check(true, "typing on node B reached node A");
p.close();
t.close();
process.exit(0);
