/* The field app's service worker: keeps the app shell so the app opens with no connection.
   Pages: network first, the kept copy offline. Static files: the kept copy first. The API is
   never cached here: the app keeps its data itself, encrypted, in IndexedDB. */
const CACHE = "anju-field-v1";
const SHELL = [__SHELL__];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  if (event.request.mode === "navigate") {
    event.respondWith(fetch(event.request).then((response) => {
      if (response.ok && !response.redirected) caches.open(CACHE).then((c) => c.put(SHELL[0], response.clone()));
      return response;
    }).catch(() => caches.match(SHELL[0])));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request).then((response) => {
      if (response.ok) { const copy = response.clone(); caches.open(CACHE).then((c) => c.put(event.request, copy)); }
      return response;
    })));
  }
});
