/* gridcc patrolqueue: the phone's reports on their way to the center (pure; no DOM, no I/O).
 *
 * Every report made on the patrol page is kept on the phone first (patrolstore.js) and sent
 * from there, online or not: one path. A report carries a report id made on the phone (a
 * UUID), the intake's report_id: sending it again — after a dropped answer, a reload, a
 * crash between sending and noting it sent — is the same case, never a second one.
 *
 * An item goes  queued → (report sent) → photos → (each photo sent) → sent,
 * or to refused when the center says no to the report (a 4xx that resending cannot change).
 * A failure of the connection or of the server (no answer, 5xx, 408, 429) leaves the item
 * where it was, to be tried again after a wait that doubles each time (retryMin..retryMax).
 * A 401/403 (signed out meanwhile) waits the same way: it goes once the person signs in.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.patrolqueue = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var ACTIVE = { queued: true, photos: true };
  var HEX = "0123456789abcdef";

  // A version-4 UUID from 16 random bytes (crypto.getRandomValues works on plain http too,
  // where crypto.randomUUID does not).
  function uuid4(bytes) {
    if (!bytes || bytes.length < 16) throw new Error("uuid4 needs 16 random bytes");
    var b = Array.prototype.slice.call(bytes, 0, 16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var out = "";
    for (var i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) out += "-";
      out += HEX[b[i] >> 4] + HEX[b[i] & 15];
    }
    return out;
  }

  // The report as the intake takes it (feeds/intake.py parse_report), and its photos.
  function newReport(fields, id, now, source, crs, owner) {
    var photos = (fields.photos || []).slice();
    return {
      id: id,
      owner: owner || "",
      body: {
        report_id: id,
        source: source || "patrol",
        category: fields.category,
        description: fields.description,
        lon: fields.lon,
        lat: fields.lat,
        crs: crs || "wgs84"
      },
      photos: photos,
      photosSent: 0,
      photoErrors: [],
      state: "queued",
      caseId: null,
      tries: 0,
      nextAt: now,
      createdAt: now,
      error: null
    };
  }

  // What is missing before a report can be kept: a list of word keys (empty: none).
  function problems(fields) {
    var out = [];
    if (!fields.category) out.push("patrol_need_category");
    if (!fields.description || !String(fields.description).trim()) out.push("patrol_need_text");
    if (typeof fields.lon !== "number" || typeof fields.lat !== "number" ||
        !isFinite(fields.lon) || !isFinite(fields.lat)) out.push("patrol_need_position");
    return out;
  }

  function backoff(tries, min, max) {
    var wait = min * Math.pow(2, Math.max(0, tries - 1));
    return Math.min(max, wait);
  }

  // Whether an answer's status means "try again later" (the connection or the server, not
  // the report): none at all, a timeout, too many requests, a server error, signed out.
  function transient(status) {
    return !status || status === 408 || status === 429 || status >= 500 ||
      status === 401 || status === 403;
  }

  function copy(item, changes) {
    var out = {};
    Object.keys(item).forEach(function (k) { out[k] = item[k]; });
    Object.keys(changes).forEach(function (k) { out[k] = changes[k]; });
    return out;
  }

  function retry(item, status, message, now, opts) {
    var tries = item.tries + 1;
    return copy(item, {
      tries: tries,
      nextAt: now + backoff(tries, opts.retryMinMs, opts.retryMaxMs),
      error: { status: status || 0, message: message || "" }
    });
  }

  // The item after the intake answered its report (status 0: no answer at all).
  function afterReport(item, status, body, now, opts) {
    if (status === 200 || status === 201) {
      var done = item.photos.length === 0;
      return copy(item, {
        state: done ? "sent" : "photos", sentAt: done ? now : null,
        caseId: body && body.case_id, tries: 0,
        nextAt: now, error: null, duplicate: !!(body && body.duplicate)
      });
    }
    if (transient(status)) return retry(item, status, body && body.message, now, opts);
    return copy(item, {
      state: "refused", error: { status: status, message: (body && body.message) || "", fields: body && body.fields }
    });
  }

  // The item after the photos API answered its next photo.
  function afterPhoto(item, status, body, now, opts) {
    if (status === 200 || status === 201 || !transient(status)) {
      var errors = item.photoErrors.slice();
      if (!(status === 200 || status === 201)) {
        errors.push({ index: item.photosSent, status: status, message: (body && body.message) || "" });
      }
      var sent = item.photosSent + 1;
      return copy(item, {
        photosSent: sent, photoErrors: errors, tries: 0, nextAt: now, error: null,
        state: sent >= item.photos.length ? "sent" : "photos",
        sentAt: sent >= item.photos.length ? now : null
      });
    }
    return retry(item, status, body && body.message, now, opts);
  }

  // What to send next for an item: {kind: "report"} or {kind: "photo", index}; null: nothing.
  function nextStep(item) {
    if (item.state === "queued") return { kind: "report" };
    if (item.state === "photos" && item.photosSent < item.photos.length) {
      return { kind: "photo", index: item.photosSent };
    }
    return null;
  }

  // The items to work on now, oldest first.
  function due(items, now) {
    return items
      .filter(function (it) { return ACTIVE[it.state] && it.nextAt <= now; })
      .sort(function (a, b) { return a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1); });
  }

  // When the queue next has something to do (null: nothing left to send).
  function nextWake(items) {
    var times = items.filter(function (it) { return ACTIVE[it.state]; })
      .map(function (it) { return it.nextAt; });
    return times.length ? Math.min.apply(null, times) : null;
  }

  // The items worth showing: not yet sent, refused, or sent within keepMs (then forgotten).
  function shown(items, now, keepMs) {
    return items.filter(function (it) {
      return it.state !== "sent" || now - (it.sentAt || it.createdAt) < keepMs;
    }).sort(function (a, b) { return b.createdAt - a.createdAt; });
  }

  return {
    uuid4: uuid4,
    newReport: newReport,
    problems: problems,
    backoff: backoff,
    transient: transient,
    afterReport: afterReport,
    afterPhoto: afterPhoto,
    nextStep: nextStep,
    due: due,
    nextWake: nextWake,
    shown: shown
  };
});
