/* gridcc status view: the wall clock (server time, the server's time zone) and the link
 * pill: live while the socket is up and the server spoke recently, red with the time of
 * the last contact when the data may be stale. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.status = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // cfg: lang, labels, timeZone, timing.staleMs
  function Status(clockId, linkId, cfg) {
    this.clockId = clockId;
    this.linkId = linkId;
    this.labels = cfg.labels;
    this.staleMs = cfg.timing.staleMs;
    this.time = new Intl.DateTimeFormat("zh-CN", {
      timeZone: cfg.timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false
    });
    this.date = new Intl.DateTimeFormat(cfg.lang === "en" ? "en-GB" : "zh-CN", {
      timeZone: cfg.timeZone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short"
    });
  }

  // nowMs: the server's time; connected: the socket is up; lastContact: this screen's
  // Date.now() when the server last answered (0: never); offset: server minus screen, ms.
  Status.prototype.render = function (nowMs, connected, lastContact, offset) {
    var now = new Date(nowMs), labels = this.labels, link = document.getElementById(this.linkId);
    document.getElementById(this.clockId).textContent = this.date.format(now) + " " + this.time.format(now);
    if (connected && Date.now() - lastContact < this.staleMs) {
      link.textContent = labels.live;
      link.className = "link-status live";
    } else if (lastContact === 0) {
      link.textContent = labels.connecting;
      link.className = "link-status connecting";
    } else {
      link.textContent = labels.stale + " · " + labels.since + " " + this.time.format(new Date(lastContact + offset));
      link.className = "link-status stale";
    }
  };

  return { Status: Status };
});
