/* Tập Số service worker: keeps the lesson list, the lessons already opened and the
   handbook readable when the phone loses its connection.
   - Only GET requests to this site are touched. POSTs (answers, hints) always go
     to the network and are never cached, queued or replayed: app.js tells the
     learner kindly that an answer needs the connection.
   - Only pages that are the same for everyone are kept (SHARED below): the lesson
     list, lessons, the handbook, the practice card, static files. Personal pages
     (/my-data/, /my-card, a learner card's /c/… link, settings, /volunteer/…) are
     never stored, so the next person on a shared phone cannot see them offline.
   - A response marked "Cache-Control: no-store" (the server marks every personal
     page, and a lesson page showing a learner's name in the class bar) is not kept.
   - Pages: network first, the copy kept for when the network fails. A full page
     and an htmx fragment of the same address are kept apart (HX-Request), so a
     fragment is never shown as a page, nor a page swapped in as a fragment.
   - /static/: addresses carry a content hash, so the cached copy is right.
   - A new VERSION deletes every older cache on activation; the pages cache keeps
     at most MAX_PAGES entries. The server's "Clear-Site-Data: cache" (kiosk start
     and end, logout, deleted data) empties these caches too. */
"use strict";
var VERSION = "tapso-v2";
var PAGES = VERSION + "-pages";
var STATIC = VERSION + "-static";
var OFFLINE = "/offline";
var MAX_PAGES = 150;
var SHARED = ["/lessons/", "/handbook", "/practice-card/", "/offline", "/static/"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(PAGES).then(function (cache) {
    return cache.addAll([OFFLINE, "/"]);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== PAGES && n !== STATIC; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function isShared(url) {
  var path = url.pathname;
  if (path === "/") return true;
  if (path.indexOf("/lessons/audio/") === 0) return false;
  return SHARED.some(function (prefix) { return path.indexOf(prefix) === 0; });
}

function pageKey(request) {
  if (request.headers.get("HX-Request") !== "true") return request.url;
  return request.url + (request.url.indexOf("?") < 0 ? "?" : "&") + "__htmx=1";
}

function storable(response) {
  var control = response.headers.get("Cache-Control") || "";
  return response.ok && response.type === "basic" && !/no-store|private/i.test(control);
}

function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES))
      .map(function (k) { return cache.delete(k); }));
  });
}

function keep(cacheName, key, response) {
  if (storable(response)) {
    var copy = response.clone();
    caches.open(cacheName).then(function (cache) {
      return cache.put(key, copy).then(function () {
        return cacheName === PAGES ? trim(cache) : null;
      });
    });
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
  if (!isShared(url)) return;  // personal and volunteer pages: the browser, never a copy
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFirst(request));
  } else {
    event.respondWith(networkFirst(request));
  }
});
