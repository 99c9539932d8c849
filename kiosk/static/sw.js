// The hall's screen when the network drops: pages it has shown are shown
// again from its cache, with the notice that the connection is being
// retried (kiosk.js); a page it never had, and any search, shows the
// offline page. Nothing that carries personal data is kept: receipts,
// status lookups, the keyboard's lookups (a name in pinyin) and form
// submissions go to the network only, and a form
// that could not be sent says so — it has no number.
"use strict";
var CACHE = "gongkai-kiosk-1";
var SHELL = ["/kiosk/", "/kiosk/static/kiosk.css", "/kiosk/static/kiosk.js", "/kiosk/offline", "/kiosk/offline?sent=0"];
var NETWORK_ONLY = /^\/kiosk\/(receipt|progress|search|attachments|ime|sw\.js)/;

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (e) {
  var req = e.request, url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/kiosk/") !== 0) return;
  if (req.method !== "GET") {
    // Sent, or told plainly that it was not.
    e.respondWith(fetch(req).catch(function () { return caches.match("/kiosk/offline?sent=0"); }));
    return;
  }
  if (NETWORK_ONLY.test(url.pathname)) {
    if (req.mode === "navigate") e.respondWith(fetch(req).catch(function () { return caches.match("/kiosk/offline"); }));
    return;
  }
  e.respondWith(fetch(req).then(function (res) {
    if (res.ok && res.type === "basic") {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { c.put(req, copy); });
    }
    return res;
  }).catch(function () {
    return caches.match(req).then(function (hit) {
      return hit || (req.mode === "navigate" ? caches.match("/kiosk/offline") : Response.error());
    });
  }));
});
