/* gridcc qxy frame: the frame of 泉心愿's plain pages (/community, /unit, /qxy).
 *
 * Each area's script registers a section: gridcc.qxy.register(name, {start(pane, ctx),
 * onEvent(event), refresh()}). Once every deferred script has run, start() reads the page's
 * config (#qxy-config), switches tabs, starts each section with its pane and a context
 * {lang, words, config (the section's), http, dom, t(key), count(n)} and, on staff pages,
 * opens the page's socket: each platform event ("qxy_event") goes once to every section's
 * onEvent (a socket in two rooms may receive one event twice), and after a reconnect every
 * section's refresh() re-reads what it shows (events missed while away are not replayed:
 * the lists are read again whole).
 *
 * The pure parts (seenFilter, fill, tabFromHash) are tested with node (tests/js/qxyframe.test.js).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(root);
  else { root.gridcc = root.gridcc || {}; root.gridcc.qxy = factory(root); }
})(typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  var sections = {};

  function register(name, section) { sections[name] = section; }

  // A filter that lets each sequence number through once (remembering the last `limit`).
  function seenFilter(limit) {
    var seen = new Set(), order = [];
    limit = limit || 1000;
    return function (seq) {
      if (seen.has(seq)) return false;
      seen.add(seq);
      order.push(seq);
      if (order.length > limit) seen.delete(order.shift());
      return true;
    };
  }

  // "{n} of {m}" with {"n": 7, "m": 10} → "7 of 10" (words carry placeholders).
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values || {}, name) ? String(values[name]) : all;
    });
  }

  // The tab "#calls" names, if the page has it.
  function tabFromHash(hash, names) {
    var name = String(hash || "").replace(/^#/, "");
    return names.indexOf(name) >= 0 ? name : null;
  }

  function start(doc) {
    var node = doc.getElementById("qxy-config");
    if (!node) return null;
    var config = JSON.parse(node.textContent);
    var words = config.words || {};
    var G = root.gridcc || {};
    function t(key, values) { return fill(Object.prototype.hasOwnProperty.call(words, key) ? words[key] : key, values); }
    var tabs = Array.prototype.slice.call(doc.querySelectorAll(".qx-tabs [data-tab]"));
    function show(name) {
      tabs.forEach(function (b) { b.setAttribute("aria-selected", String(b.dataset.tab === name)); });
      Array.prototype.forEach.call(doc.querySelectorAll(".qx-pane"), function (p) { p.hidden = p.dataset.pane !== name; });
      var s = sections[name];
      if (s && s.shown) s.shown();
    }
    tabs.forEach(function (b) {
      b.addEventListener("click", function () {
        show(b.dataset.tab);
        // The tab stays in the address: a reload (or the sign-in's) comes back to it.
        if (root.history && root.history.replaceState) root.history.replaceState(null, "", "#" + b.dataset.tab);
      });
    });
    var started = [];
    (config.sections || []).forEach(function (entry) {
      var s = sections[entry.name];
      var pane = doc.querySelector('.qx-pane[data-pane="' + entry.name + '"]');
      if (!s || !pane) return;
      var badge = doc.querySelector('[data-count="' + entry.name + '"]');
      s.start(pane, {
        lang: config.lang, words: words, config: entry.config || {}, http: G.http, dom: G.dom,
        t: t, show: show,
        count: function (n) { if (badge) badge.textContent = n ? String(n) : ""; }
      });
      started.push(s);
    });
    var asked = tabFromHash(root.location ? root.location.hash : "", tabs.map(function (b) { return b.dataset.tab; }));
    if (asked) show(asked);
    if (config.socket && root.io) connect(doc, started, t);
    return { config: config, show: show };
  }

  function connect(doc, started, t) {
    var live = doc.getElementById("qx-live");
    var fresh = seenFilter(2000);
    var socket = root.gridcc.http.socket(root.io);
    var connectedBefore = false;
    function status(on) {
      if (!live) return;
      live.hidden = false;
      live.textContent = on ? t("qxy_live") : t("qxy_offline");
      live.classList.toggle("qx-off", !on);
    }
    socket.on("connect", function () {
      status(true);
      if (connectedBefore) started.forEach(function (s) { if (s.refresh) s.refresh(); });
      connectedBefore = true;
    });
    socket.on("disconnect", function () { status(false); });
    socket.on("qxy_event", function (event) {
      if (!event || !fresh(event.seq + ":" + (event.kind || ""))) return;
      started.forEach(function (s) { if (s.onEvent) s.onEvent(event); });
    });
  }

  if (typeof document !== "undefined" && typeof module === "undefined") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  }

  return { register: register, seenFilter: seenFilter, fill: fill, tabFromHash: tabFromHash, start: start };
});
