/* gridcc patrolsw: the patrol page's service worker (served as /patrol-sw.js, scope
 * /patrol). It lets a phone open the page with no connection at all — in a basement, on a
 * dead link — from the copy it kept the last time the page loaded, so a report can still be
 * made and kept (patrolqueue.js sends it later). Only the page and its own files are kept;
 * every API request goes to the network as it is (nothing of the center's data is cached).
 * The page itself is asked of the network first (a fresh page whenever there is a link),
 * falling back to the kept copy when there is none or it is too slow to answer.
 */
"use strict";

var CACHE = "gridcc-patrol-1";
var PAGE = "/patrol";
var NETWORK_WAIT_MS = 8000; // a weak link: after this long the kept copy is shown

function own(url) {
  return url.origin === self.location.origin;
}

function isPageFile(url) {
  return /^\/assets\/(gridcc\/(http|patrol[a-z]*)\.js|patrol\.css)$/.test(url.pathname);
}

function keep(request, response) {
  if (!response || !response.ok || response.redirected || response.type !== "basic") return;
  var copy = response.clone();
  caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
}

function kept(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || cache.match(PAGE, { ignoreSearch: true });
    });
  });
}

function page(request) {
  var network = fetch(request).then(function (response) {
    var html = (response.headers.get("content-type") || "").indexOf("text/html") === 0;
    if (html) keep(request, response);
    return response;
  });
  var slow = new Promise(function (resolve) {
    setTimeout(function () { kept(request).then(resolve); }, NETWORK_WAIT_MS);
  });
  return Promise.race([
    network.catch(function () { return kept(request); }),
    slow.then(function (hit) { return hit || network; })
  ]).then(function (response) { return response || network; });
}

function file(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        keep(request, response);
        return response;
      });
    });
  });
}

self.addEventListener("install", function () { self.skipWaiting(); });
// The page tells what to keep once the worker runs (it loaded before the worker was there:
// the page and its files, by their own addresses); signing out forgets them all (the page
// bears the person's name).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.forget) event.waitUntil(caches.delete(CACHE));
  if (Array.isArray(data.keep)) {
    event.waitUntil(Promise.all(data.keep.filter(function (address) {
      var url = new URL(address, self.location.origin);
      return own(url) && (url.pathname === PAGE || isPageFile(url));
    }).map(function (address) {
      return fetch(address, { credentials: "same-origin" }).then(function (response) {
        keep(new Request(address), response);
      }, function () {});
    })));
  }
});
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (!own(url)) return;
  if (request.mode === "navigate" && url.pathname === PAGE) event.respondWith(page(request));
  else if (isPageFile(url)) event.respondWith(file(request));
});
