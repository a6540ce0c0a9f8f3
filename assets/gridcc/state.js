/* gridcc browser state: what one screen knows, changed one event at a time; no DOM.
 *
 * Extracted from assets/live.js as it stands (loadSnapshot and apply).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.state = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var CLOSED = { closed: true, "void": true };
  var TICKER_ROWS = 60;

  function State() {
    this.openByCell = {};
    this.openCases = {};     // case id -> [cell, watch_at, at_risk_at, deadline] (epoch s)
    this.counters = { open: 0, today: 0, closed_today: 0 };
    this.dayStart = null;
    this.rows = [];          // ticker: reported events, newest first
  }

  State.prototype.load = function (snap) {
    var self = this;
    this.openByCell = Object.assign({}, snap.open_by_cell);
    this.openCases = {};
    snap.open_cases.forEach(function (row) { self.openCases[row[0]] = row.slice(1); });
    this.counters = Object.assign({}, snap.counters);
    this.dayStart = new Date(snap.day_start);
    this.rows = snap.recent.slice().reverse();
  };

  State.prototype.apply = function (ev) {
    var wasOpen = ev.from === null || !CLOSED[ev.from];
    var isOpen = !CLOSED[ev.to];
    var delta = ev.kind === "case.reported" ? 1 : (wasOpen && !isOpen ? -1 : (!wasOpen && isOpen ? 1 : 0));
    if (delta !== 0) {
      this.openByCell[ev.cell] = Math.max(0, (this.openByCell[ev.cell] || 0) + delta);
      this.counters.open = Math.max(0, this.counters.open + delta);
    }
    // Each event carries when its case turns watch / at-risk / overdue (an extension moves it).
    if (isOpen) this.openCases[ev.case_id] = [ev.cell].concat(ev.risk_at);
    else delete this.openCases[ev.case_id];
    var at = new Date(ev.at);
    if (ev.kind === "case.reported" && at >= this.dayStart) this.counters.today += 1;
    if (ev.to === "closed" && ev.from !== "closed" && at >= this.dayStart) this.counters.closed_today += 1;
    if (ev.kind === "case.reported") {
      this.rows.unshift(ev);
      if (this.rows.length > TICKER_ROWS) this.rows.length = TICKER_ROWS;
    }
    return { cells: delta !== 0 ? [ev.cell] : [], row: ev.kind === "case.reported" };
  };

  // 1 ok, 2 watch, 3 at risk, 4 overdue (0 is kept for "no open case" on the map)
  function riskLevel(c, nowS) {
    if (nowS >= c[3]) return 4;
    if (nowS >= c[2]) return 3;
    if (nowS >= c[1]) return 2;
    return 1;
  }

  State.prototype.risk = function (nowS) {
    var worst = {}, atRisk = 0, overdue = 0, cases = this.openCases;
    Object.keys(cases).forEach(function (id) {
      var c = cases[id], level = riskLevel(c, nowS);
      if (level === 3) atRisk += 1;
      if (level === 4) overdue += 1;
      if (!worst[c[0]] || level > worst[c[0]]) worst[c[0]] = level;
    });
    return { worst: worst, atRisk: atRisk, overdue: overdue };
  };

  return { State: State };
});
