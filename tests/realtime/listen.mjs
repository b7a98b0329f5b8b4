// Connects with a session cookie and prints the text of every message it hears, one per
// line, after "READY"; stops after 20 s.
import { connect, connected } from "./lib.mjs";

const s = await connected(connect(process.env.COOKIE));
s.on("message", (m) => console.log(m.body));
console.log("READY");
setTimeout(() => { s.close(); process.exit(0); }, 20000);
