// The offline page's service worker: it keeps the page's shell and its static files, nothing else. API answers,
// the learner data (/hors-ligne/donnees) and every other page always go to the network and are never stored.
const CACHE = "inclusion-hors-ligne-v1";
const SHELL = [
  "/hors-ligne/",
  "/static/app.css",
  "/static/offline.css",
  "/static/offline.js",
  "/static/icon-192.png",
  "/hors-ligne/manifest.webmanifest",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !SHELL.includes(url.pathname)) {
    return; // the network, untouched: API calls, data, other pages
  }
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() => caches.match(url.pathname).then((cached) => cached || Response.error())),
  );
});
