/* gridcc http: the desks' requests to the server, one way.
 *
 * Every change carries the session's CSRF token (the _csrf_token cookie the server sets,
 * sent back as X-CSRFToken); every request gives up after a time; an answer that is not
 * 2xx becomes a rejected promise holding the server's JSON error ({error, message, ...}),
 * so a view shows the server's words (a 409 names who changed the case) and never guesses.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.http = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var CSRF_COOKIE = "_csrf_token";
  var TIMEOUT_MS = 30000;

  // The value of cookie `name` in a document.cookie string ("" when absent).
  function cookieValue(cookies, name) {
    var found = "";
    (cookies || "").split(";").forEach(function (part) {
      var at = part.indexOf("=");
      if (at < 0) return;
      if (part.slice(0, at).trim() === name) found = decodeURIComponent(part.slice(at + 1).trim());
    });
    return found;
  }

  // "/api/cases" + {cell: ["a","b"], risk: null, limit: 50} → "/api/cases?cell=a,b&limit=50"
  function withQuery(url, params) {
    var parts = [];
    Object.keys(params || {}).forEach(function (name) {
      var value = params[name];
      if (value === null || value === undefined || value === "") return;
      if (Array.isArray(value)) {
        if (!value.length) return;
        value = value.join(",");
      }
      parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(String(value)).replace(/%2C/g, ","));
    });
    if (!parts.length) return url;
    return url + (url.indexOf("?") >= 0 ? "&" : "?") + parts.join("&");
  }

  // What a failed answer says: the server's JSON error, or words for what went wrong.
  function failure(status, body, fallback) {
    var out = body && typeof body === "object" ? body : {};
    out.status = status;
    if (!out.error) out.error = status ? "http_" + status : "network";
    if (!out.message) out.message = fallback || ("HTTP " + status);
    return out;
  }

  function request(method, url, body, opts) {
    opts = opts || {};
    var doc = typeof document !== "undefined" ? document : null;
    var headers = { "Accept": "application/json" };
    var payload;
    if (method !== "GET") headers["X-CSRFToken"] = cookieValue(doc ? doc.cookie : "", CSRF_COOKIE);
    if (body instanceof (typeof FormData !== "undefined" ? FormData : function () {})) payload = body;
    else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, opts.timeoutMs || TIMEOUT_MS);
    return fetch(url, {
      method: method, headers: headers, body: payload, credentials: "same-origin",
      cache: "no-store", signal: abort.signal
    }).then(function (r) {
      return r.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
        if (!r.ok) throw failure(r.status, parsed, text.slice(0, 200));
        return parsed;
      });
    }, function (err) {
      throw failure(0, null, err && err.name === "AbortError" ? "timeout" : String(err));
    }).finally(function () { clearTimeout(timer); });
  }

  // The page's socket to the server's events: websocket only, back within 5 s of a drop.
  // Refused by the server (a session that expired, the store away a moment) socket.io's
  // client does not try again by itself: here it does, every RETRY_REFUSED_MS, while the
  // page's heartbeat keeps its data current meanwhile. `later(run, ms)`: a timer.
  var RETRY_REFUSED_MS = 5000;
  function socket(io, later) {
    var wait = later || function (run, ms) { return setTimeout(run, ms); };
    var made = io({ transports: ["websocket"], reconnectionDelayMax: 5000 });
    made.on("connect_error", function () {
      if (!made.active) wait(function () { made.connect(); }, RETRY_REFUSED_MS);
    });
    return made;
  }

  return {
    cookieValue: cookieValue,
    socket: socket,
    RETRY_REFUSED_MS: RETRY_REFUSED_MS,
    withQuery: withQuery,
    failure: failure,
    get: function (url, params, opts) { return request("GET", withQuery(url, params), undefined, opts); },
    post: function (url, body, opts) { return request("POST", url, body, opts); },
    upload: function (url, form, opts) { return request("POST", url, form, opts); }
  };
});
