/* Service worker of lead capture (served at /leads/sw.js, scope /leads/).
   The capture page and its assets are kept in a cache so the page opens without a connection;
   scans themselves wait in IndexedDB (capture.js), not here. */
"use strict";
// Bump the version when capture.js changes: unhashed static URLs (DEBUG) would otherwise keep the old script.
const CACHE = "trustfair-leads-v3";

self.addEventListener("install", (event) => { self.skipWaiting(); });
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith("trustfair-leads-") && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

// The page tells us what it needs offline: its own URL and its scripts and styles.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "precache" && Array.isArray(data.urls)) {
    event.waitUntil(caches.open(CACHE).then((cache) =>
      Promise.all(data.urls.map((url) => cache.add(new Request(url, { credentials: "same-origin" })).catch(() => null)))));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // uploads go straight to the network
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const isCapturePage = url.pathname.includes("/capture/") && request.mode === "navigate";
  const isStatic = url.pathname.startsWith("/static/");
  if (isCapturePage) {
    // Network first (fresh CSRF token and product list), the cached copy when offline.
    event.respondWith(fetch(request).then((response) => {
      if (response.ok) { const copy = response.clone(); caches.open(CACHE).then((c) => c.put(request, copy)); }
      return response;
    }).catch(() => caches.match(request, { ignoreSearch: true, ignoreVary: true })));
  } else if (isStatic) {
    event.respondWith(caches.match(request, { ignoreVary: true }).then((hit) => hit || fetch(request).then((response) => {
      if (response.ok) { const copy = response.clone(); caches.open(CACHE).then((c) => c.put(request, copy)); }
      return response;
    })));
  }
});
