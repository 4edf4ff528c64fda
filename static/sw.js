/* Tập Số service worker: keeps the lesson list and the lessons already opened
   readable when the phone loses its connection.
   - Only GET requests to this site are touched. POSTs (answers, hints) always go
     to the network and are never cached, queued or replayed: app.js tells the
     learner kindly that an answer needs the connection.
   - Pages: network first, the copy kept for when the network fails. A full page
     and an htmx fragment of the same address are kept apart (HX-Request), so a
     fragment is never shown as a page, nor a page swapped in as a fragment.
   - /static/: addresses carry a content hash, so the cached copy is right. */
"use strict";
var VERSION = "tapso-v1";
var PAGES = VERSION + "-pages";
var STATIC = VERSION + "-static";
var OFFLINE = "/offline";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(PAGES).then(function (cache) {
    return cache.addAll([OFFLINE, "/"]);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf(VERSION) !== 0; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function pageKey(request) {
  if (request.headers.get("HX-Request") !== "true") return request.url;
  return request.url + (request.url.indexOf("?") < 0 ? "?" : "&") + "__htmx=1";
}

function keep(cacheName, key, response) {
  if (response.ok && response.type === "basic") {
    var copy = response.clone();
    caches.open(cacheName).then(function (cache) { cache.put(key, copy); });
  }
  return response;
}

function staticFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (r) { return keep(STATIC, request, r); });
  });
}

function networkFirst(request) {
  var key = pageKey(request);
  return fetch(request).then(function (r) { return keep(PAGES, key, r); }).catch(function () {
    return caches.match(key).then(function (hit) {
      if (hit) return hit;
      if (request.mode === "navigate") return caches.match(OFFLINE);
      return Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  // answers always go to the server, once
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;  // never touch other hosts
  if (url.pathname === "/healthz" || url.pathname.indexOf("/lessons/audio/") === 0) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFirst(request));
  } else {
    event.respondWith(networkFirst(request));
  }
});
