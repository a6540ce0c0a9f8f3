/* gridcc times in words, in the server's time zone (Asia/Shanghai): the ticker's stamp (the
 * time of day, with the date when it was not today) and the alert list's spans ("2小时15分").
 * Pure (Intl only); tested with node (tests/js/when.test.js).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.when = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    });
  }

  function two(n) { return n < 10 ? "0" + n : String(n); }

  // timeZone: the server's (cfg.timeZone); words: cfg.labels (span_* patterns).
  function Clock(timeZone, words) {
    this.words = words || {};
    this.parts = new Intl.DateTimeFormat("en-CA", {
      timeZone: timeZone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
    });
  }

  // {year, month, day, hour, minute, second} of an instant (ms or ISO string), as strings.
  Clock.prototype.fields = function (when) {
    var out = {};
    this.parts.formatToParts(new Date(when)).forEach(function (p) { out[p.type] = p.value; });
    return out;
  };

  // A ticker's stamp: "08:42:29" today (nowMs: the server's now); "11-29 18:30" on an
  // earlier day of this year; "2025-12-31 18:30" in an earlier year.
  Clock.prototype.stamp = function (when, nowMs) {
    var t = this.fields(when), now = this.fields(nowMs);
    if (t.year === now.year && t.month === now.month && t.day === now.day) {
      return t.hour + ":" + t.minute + ":" + t.second;
    }
    var day = t.month + "-" + t.day;
    if (t.year !== now.year) day = t.year + "-" + day;
    return day + " " + t.hour + ":" + t.minute;
  };

  // A length of time in words, to the minute: "2天3小时", "3小时05分", "12分钟".
  Clock.prototype.span = function (seconds) {
    var w = this.words, s = Math.max(0, Math.floor(seconds));
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    if (d >= 1) return fill(w.span_days || "{d}d {h}h", { d: d, h: h });
    if (h >= 1) return fill(w.span_hours || "{h}h {m}m", { h: h, m: two(m) });
    if (m >= 1) return fill(w.span_minutes || "{m} min", { m: m });
    return w.span_under_minute || "<1 min";
  };

  return { Clock: Clock, fill: fill };
});
