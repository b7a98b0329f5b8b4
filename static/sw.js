// Suku service worker: caches static assets, serves an offline page when the network is gone.
const VERSION = "suku-v1";
const SHELL = [
  "/hors-ligne",
  "/static/suku.css?v=0.1.0",
  "/static/suku.js?v=0.1.0",
  "/static/vendor/htmx.org-2.0.11/htmx.min.js",
  "/static/icons/icon-192.png",
  "/static/icons/logo.svg",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    // Static files are immutable per URL: cache first.
    event.respondWith(
      caches.match(req).then((hit) => hit || fetch(req).then((res) => {
        const copy = res.clone();
        caches.open(VERSION).then((c) => c.put(req, copy));
        return res;
      }))
    );
    return;
  }
  if (req.mode === "navigate") {
    // Pages are personal and change: network first, the offline page when there is none.
    event.respondWith(fetch(req).catch(() => caches.match("/hors-ligne")));
  }
});
