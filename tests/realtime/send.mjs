// Sends one message over the socket and waits for the server's acknowledgement (the
// message is written before the acknowledgement).
import { connect, connected, ask, check } from "./lib.mjs";

const s = await connected(connect(process.env.COOKIE));
const r = await ask(s, "send", { conversation_id: Number(process.env.CONVERSATION), body: process.env.BODY });
check(r.ok === true, `sent ${r.id}`);
s.close();
process.exit(0);
