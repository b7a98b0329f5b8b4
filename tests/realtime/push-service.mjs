// A Web Push service on loopback, as the browsers' services behave (RFC 8030): it holds one
// device's keys, checks each push's VAPID signature (RFC 8292) and decrypts it with the
// reference implementation of RFC 8188/8291 (http_ece), then prints what the device would
// show, one JSON line per push. Paths starting with /gone answer 410 (the device
// unsubscribed); /busy answers 429 once, then accepts.
import http from "node:http";
import crypto from "node:crypto";
import ece from "http_ece";

const device = crypto.createECDH("prime256v1");
device.generateKeys();
const auth = crypto.randomBytes(16);
let busy = true;

function verifyVapid(header, endpointOrigin) {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header || "");
  if (!m) throw new Error("no vapid authorization");
  const [, token, k] = m;
  const raw = Buffer.from(k, "base64url");
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("k is not an uncompressed P-256 key");
  const key = crypto.createPublicKey({
    key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") },
    format: "jwk",
  });
  const [h, c, s] = token.split(".");
  const head = JSON.parse(Buffer.from(h, "base64url"));
  if (head.alg !== "ES256") throw new Error("alg " + head.alg);
  const ok = crypto.verify("sha256", Buffer.from(h + "." + c), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"));
  if (!ok) throw new Error("bad signature");
  const claims = JSON.parse(Buffer.from(c, "base64url"));
  const now = Math.floor(Date.now() / 1000);
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) throw new Error("exp " + claims.exp);
  if (claims.aud !== endpointOrigin) throw new Error("aud " + claims.aud + " for " + endpointOrigin);
  if (!/^(mailto:|https:)/.test(claims.sub || "")) throw new Error("sub " + claims.sub);
  return { key: k, sub: claims.sub };
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const path = req.url;
    if (req.method !== "POST") { res.writeHead(405); res.end(); return; }
    if (path.startsWith("/gone")) { res.writeHead(410); res.end("unsubscribed"); console.log(JSON.stringify({ path, status: 410 })); return; }
    if (path.startsWith("/busy") && busy) {
      busy = false;
      res.writeHead(429, { "retry-after": "1" });
      res.end("slow down");
      console.log(JSON.stringify({ path, status: 429 }));
      return;
    }
    try {
      // RFC 8292 §2: the audience is the origin of the push resource (with its port).
      const vapid = verifyVapid(req.headers.authorization, "http://" + req.headers.host);
      if (req.headers["content-encoding"] !== "aes128gcm") throw new Error("content-encoding " + req.headers["content-encoding"]);
      const ttl = Number(req.headers.ttl);
      if (!(ttl > 0)) throw new Error("ttl " + req.headers.ttl);
      const plain = ece.decrypt(Buffer.concat(chunks), { version: "aes128gcm", privateKey: device, authSecret: auth });
      res.writeHead(201, { location: "/m/" + crypto.randomUUID() });
      res.end();
      console.log(JSON.stringify({ path, status: 201, ttl, urgency: req.headers.urgency, vapid, payload: JSON.parse(plain.toString("utf8")) }));
    } catch (e) {
      res.writeHead(400);
      res.end(String(e.message));
      console.log(JSON.stringify({ path, status: 400, error: String(e.message) }));
    }
  });
});

server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({
    endpoint: `http://127.0.0.1:${server.address().port}`,
    p256dh: device.getPublicKey().toString("base64url"),
    auth: auth.toString("base64url"),
  }));
});
