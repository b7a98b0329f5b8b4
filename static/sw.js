// Suku service worker: caches static assets, serves an offline page when the network is gone,
// keeps the last copy of the person's dashboard and of each of its widgets for offline
// reading, and shows the notifications the school pushes (Web Push), opening their page
// when tapped.
const VERSION = "suku-v6";
// The dashboards and their widgets, kept apart from the app's files (logging out empties it).
const DATA = "suku-data";
const HOMES = ["/eleve", "/enseignant", "/parent", "/admin"];
// A copy older than this is not shown offline.
const MAX_AGE = 14 * 24 * 3600 * 1000;
function fresh(hit) {
  if (!hit) return null;
  const at = Date.parse(hit.headers.get("Date") || "");
  return at && Date.now() - at < MAX_AGE ? hit : null;
}
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
        // Only what arrived whole: an error must not be served for good.
        if (res.ok) {
          const copy = res.clone();
          caches.open(VERSION).then((c) => c.put(req, copy));
        }
        return res;
      }))
    );
    return;
  }
  if (url.pathname.startsWith("/tableau/widgets/") && !url.pathname.endsWith("/page")) {
    // A widget: the network first; offline, the last copy, marked as such (the page says
    // how old it is).
    event.respondWith(
      fetch(req).then((res) => {
        // Only a widget's content (not a redirect to the login page, not an error).
        if (res.ok && res.headers.get("X-Suku-Widget")) {
          const copy = res.clone();
          caches.open(DATA).then((c) => c.put(req, copy));
        }
        return res;
      }).catch(() => caches.open(DATA).then((c) => c.match(req)).then((hit) => {
        hit = fresh(hit);
        if (!hit) throw new Error("offline");
        return hit.text().then((body) => new Response(body, {
          status: 200,
          headers: {
            "Content-Type": hit.headers.get("Content-Type") || "text/html; charset=utf-8",
            "X-Suku-Offline": hit.headers.get("Date") || new Date().toUTCString(),
          },
        }));
      }))
    );
    return;
  }
  if (req.mode === "navigate") {
    // Pages are personal and change: network first, the offline page when there is none.
    // A home (the dashboard) is kept, to open offline with its widgets' last copies.
    const home = HOMES.includes(url.pathname) && !url.search;
    event.respondWith(
      fetch(req).then((res) => {
        if (home && res.ok && !res.redirected) {
          const copy = res.clone();
          caches.open(DATA).then((c) => c.put(url.pathname, copy));
        }
        return res;
      }).catch(() => (home ? caches.open(DATA).then((c) => c.match(url.pathname)) : Promise.resolve(null))
        .then((hit) => fresh(hit) || caches.match("/hors-ligne")))
    );
  }
});

// Logging out forgets the dashboards kept for offline (a shared phone, a school PC).
self.addEventListener("message", (event) => {
  if (event.data === "logout") event.waitUntil(caches.delete(DATA));
});

self.addEventListener("push", (event) => {
  let d = {};
  try {
    d = event.data ? event.data.json() : {};
  } catch (e) {
    d = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(self.registration.showNotification(d.title || "Suku", {
    body: d.body || "",
    tag: d.tag || undefined,
    renotify: !!d.tag,
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/icon-192.png",
    data: { url: d.url || "/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.url) || "/";
  // Only pages of this site.
  const url = new URL(path.startsWith("/") && !path.startsWith("//") ? path : "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
      for (const c of list) {
        if (c.url === url && "focus" in c) return c.focus();
      }
      return self.clients.openWindow(url);
    })
  );
});

// Widgets of the installed app, where the platform shows them (Windows' widgets board): each
// is filled from the template and data its definition in the manifest names, and refreshed
// when shown again or on its schedule.
async function fillWidget(widget) {
  const def = widget && widget.definition;
  if (!def || !self.widgets) return;
  const [template, data] = await Promise.all([
    fetch(def.msAcTemplate).then((r) => r.text()),
    fetch(def.data, { credentials: "include" }).then((r) => r.text()),
  ]);
  await self.widgets.updateByTag(def.tag, { template, data });
}
self.addEventListener("widgetinstall", (event) => event.waitUntil(fillWidget(event.widget)));
self.addEventListener("widgetresume", (event) => event.waitUntil(fillWidget(event.widget)));
self.addEventListener("periodicsync", (event) => {
  if (!self.widgets) return;
  event.waitUntil(self.widgets.getByTag(event.tag).then((w) => w && fillWidget(w)));
});
