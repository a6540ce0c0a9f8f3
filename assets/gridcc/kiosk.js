/* gridcc kiosk sign-in: a wall display is set up once with /kiosk#<key>[&map=…&level=…].
 * The key rides in the fragment, which the browser never sends, so no access log or proxy
 * keeps it; this page posts it once, forgets it, and opens the wall with the rest. Inert
 * on every other page (Dash loads every asset). */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.kiosk = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // "#KEY&map=risk&level=street" → { token: "KEY", query: "?map=risk&level=street" }.
  // The key is the part before the first "&"; parameters other than the wall's own
  // (map, level, lang) are dropped.
  var WALL_PARAMS = ["map", "level", "lang"];
  function parseFragment(hash) {
    var text = (hash || "").replace(/^#/, "");
    var parts = text.split("&");
    var token = decodeURIComponent(parts.shift() || "");
    var kept = [];
    parts.forEach(function (part) {
      var name = part.split("=")[0];
      if (WALL_PARAMS.indexOf(name) >= 0) kept.push(part);
    });
    return { token: token, query: kept.length ? "?" + kept.join("&") : "" };
  }

  function start(doc, win) {
    var status = doc.getElementById("kiosk-status");
    if (!status) return;
    var found = parseFragment(win.location.hash);
    win.history.replaceState(null, "", win.location.pathname);  // the key leaves the bar
    function refuse() {
      status.hidden = true;
      doc.getElementById("kiosk-error").hidden = false;
    }
    if (!found.token) { refuse(); return; }
    win.fetch("/api/kiosk", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ token: found.token })
    }).then(function (r) {
      if (r.ok) win.location.replace("/" + found.query);
      else refuse();
    }, refuse);
  }

  if (typeof document !== "undefined" && typeof window !== "undefined") {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { start(document, window); });
    } else start(document, window);
  }
  return { parseFragment: parseFragment };
});
