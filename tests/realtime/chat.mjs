// Through the official client: a refused connection without a session; a parent and a
// teacher connect with their session cookies; the parent joins and writes, the teacher
// receives; rooms of other families and classes stay closed; bad input and floods get
// clear answers.
import { connect, connected, next, ask, check } from "./lib.mjs";

const env = (k) => {
  const v = process.env[k];
  if (!v) { console.error(`missing ${k}`); process.exit(2); }
  return v;
};
const parent = env("COOKIE_PARENT");
const teacher = env("COOKIE_TEACHER");
const dm = Number(env("DIRECT"));
const foreignDm = Number(env("FOREIGN_DIRECT"));
const foreignParents = Number(env("FOREIGN_PARENTS"));

async function refused(cookie, opts, what) {
  try {
    const s = connect(cookie, opts);
    await connected(s);
    s.close();
    check(false, what);
  } catch (e) {
    check(String(e.message).length > 0, `${what} (${e.message})`);
  }
}

await refused(null, {}, "no session: refused");
await refused("not-a-session", {}, "unknown session: refused");
await refused(parent, { origin: "https://evil.example" }, "another site's page: refused");

const p = await connected(connect(parent));
// The teacher connects with the polling transport first, as a phone on a poor network.
const t = await connected(connect(teacher, { transports: ["polling", "websocket"] }));
check(true, "parent and teacher connected");

const joined = await ask(p, "join", { conversation_id: dm });
check(joined.ok === true, "parent joins their conversation");
for (const [id, what] of [[foreignDm, "another family's conversation"], [foreignParents, "another class's parents channel"], [999999, "an unknown conversation"]]) {
  const r = await ask(p, "join", { conversation_id: id });
  check(r.ok === false && /n’existe pas|not exist/.test(r.error), `cannot join ${what}: ${r.error}`);
}

const received = next(t, "message", 5000, (m) => m.body === "Bonjour Madame, merci pour la réunion.");
const sent = await ask(p, "send", { conversation_id: dm, body: "Bonjour Madame, merci pour la réunion." });
check(sent.ok === true && Number.isInteger(sent.id), `sent, id ${sent.id}`);
const m = await received;
check(m.id === sent.id && m.conversation_id === dm && m.author.length > 0, "teacher received it live");
console.log(`SENT ${sent.id}`);

const typing = next(t, "typing", 3000);
p.emit("typing", { conversation_id: dm });
const ty = await typing;
check(ty.conversation_id === dm, `typing shown: ${ty.name}`);

// Read receipt: the teacher reads, the parent sees it.
const receipt = next(p, "read", 3000);
t.emit("read", { conversation_id: dm, message_id: sent.id });
const rr = await receipt;
check(rr.message_id === sent.id, "read receipt reached the sender");

// Bad input: clear errors, nothing crashes.
let r = await ask(p, "send", { conversation_id: dm, body: "x".repeat(2001) });
check(r.ok === false && /2[\s\u00a0\u202f]?000/.test(r.error), `too long: ${r.error}`);
r = await ask(p, "send", { conversation_id: foreignDm, body: "coucou" });
check(r.ok === false, `writing to another family's conversation: ${r.error}`);
r = await ask(p, "send", { nonsense: true });
check(r.ok === false && r.error.length > 0, `malformed event: ${r.error}`);
r = await ask(p, "send", { conversation_id: dm, body: "   " });
check(r.ok === false, `empty: ${r.error}`);

// A flood: the bucket refuses the excess with a reason.
const answers = await Promise.all(
  Array.from({ length: 25 }, (_, i) => ask(p, "send", { conversation_id: dm, body: `flood ${i}` }))
);
const refusedFlood = answers.filter((a) => a.ok === false && /Trop de messages|Too many/.test(a.error));
check(refusedFlood.length > 0, `flood: ${refusedFlood.length} of 25 refused`);

p.close();
t.close();
process.exit(0);
