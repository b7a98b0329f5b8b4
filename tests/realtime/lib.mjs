// Helpers for the real-time tests: connect with a session cookie, wait for an event, ask
// with an acknowledgement, all with time limits so that a failure never hangs.
import { io } from "socket.io-client";

export const url = process.env.SUKU_URL;

export function connect(cookie, opts = {}) {
  const target = opts.url || url;
  const extraHeaders = {};
  if (cookie) extraHeaders.cookie = `suku_session=${cookie}`;
  if (opts.origin) extraHeaders.origin = opts.origin;
  return io(target, {
    transports: opts.transports || ["websocket"],
    extraHeaders,
    reconnection: false,
    forceNew: true,
    timeout: 5000,
  });
}

/// Resolves when connected, rejects with the server's reason if refused.
export function connected(socket) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("connect timeout")), 5000);
    socket.once("connect", () => { clearTimeout(t); resolve(socket); });
    socket.once("connect_error", (e) => { clearTimeout(t); reject(e); });
  });
}

export function next(socket, event, ms = 5000, pred = () => true) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    const on = (data) => {
      if (!pred(data)) return;
      clearTimeout(t);
      socket.off(event, on);
      resolve(data);
    };
    socket.on(event, on);
  });
}

export function ask(socket, event, data, ms = 5000) {
  return socket.timeout(ms).emitWithAck(event, data);
}

export function check(cond, what) {
  if (!cond) {
    console.error(`FAILED: ${what}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}
