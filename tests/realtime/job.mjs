// The person who started a job is told of its steps over the socket (the progress bar then
// fetches itself again).
import { connect, connected, next, check } from "./lib.mjs";

const s = await connected(connect(process.env.COOKIE));
const want = next(s, "job", 10000, (d) => d.id === Number(process.env.JOB));
console.log("READY");
await want;
check(true, `told of job ${process.env.JOB}`);
s.close();
process.exit(0);
