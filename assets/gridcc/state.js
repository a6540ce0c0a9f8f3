/* gridcc browser state: what one screen knows, changed one event at a time. No DOM.
 *
 * The rules come from the page's config (dashboard/wall.py browser_rules): which states are
 * closed, which one counts as "closed today", the risk levels and the time zone of "today".
 * A view is the district (everything) or one department: a case is in a department's view
 * while it is open, with that department and not handed back (rules.releasedStates); an
 * event that moves it elsewhere takes it out.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.state = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // rules: closedStates, closedStatus, releasedStates, riskLevels, riskOpen, riskAt, alertFrom,
  // timeZone, timing.tickerRows
  // view: { department } (none: the district)
  function State(rules, view) {
    var closed = {};
    rules.closedStates.forEach(function (s) { closed[s] = true; });
    this.closed = closed;
    var released = {};
    (rules.releasedStates || []).forEach(function (s) { released[s] = true; });
    this.released = released;
    this.closedStatus = rules.closedStatus;
    // 挂账: open, but its clock stands still (ok whatever its instants say, as the server's
    // Case.risk) and counted apart.
    this.suspendedStatus = rules.suspendedStatus || null;
    this.department = (view && view.department) || null;
    this.levels = rules.riskLevels;
    this.openLevel = rules.riskLevels.indexOf(rules.riskOpen);
    this.crossings = rules.riskAt.map(function (name) { return rules.riskLevels.indexOf(name); });
    // The alert list holds open cases at this level or worse (-1: no alert list).
    this.alertFrom = rules.alertFrom ? rules.riskLevels.indexOf(rules.alertFrom) : -1;
    this.tickerRows = rules.timing.tickerRows;
    // "YYYY-MM-DD" of an instant in the server's time zone: days compare as strings.
    this.dayFormat = new Intl.DateTimeFormat("en-CA", {
      timeZone: rules.timeZone, year: "numeric", month: "2-digit", day: "2-digit"
    });
    this.openByCell = {};
    // case id -> [cell, watch_at, at_risk_at, deadline (epoch s), category, department,
    // priority, status]: a snapshot's open_cases row without its id
    this.openCases = {};
    this.counters = { open: 0, today: 0, closed_today: 0 };
    this.day = null;       // the day the counters count
    this.rows = [];        // ticker: reports, newest first
  }

  State.prototype.dayOf = function (when) { return this.dayFormat.format(new Date(when)); };

  State.prototype.load = function (snap) {
    var self = this;
    this.openByCell = Object.assign({}, snap.open_by_cell);
    this.openCases = {};
    snap.open_cases.forEach(function (row) { self.openCases[row[0]] = row.slice(1); });
    this.counters = Object.assign({}, snap.counters);
    this.day = this.dayOf(snap.day_start);
    this.rows = snap.recent.slice(-this.tickerRows).reverse();
  };

  // As cases.access.holds: open, and for a department view with it and not handed back.
  State.prototype.inView = function (ev) {
    if (this.closed[ev.to]) return false;
    return !this.department || (ev.department === this.department && !this.released[ev.to]);
  };

  // What changed: cells whose open count moved, whether a ticker row came or went, whether
  // the event belongs to a later day than the counters (then a snapshot should follow).
  State.prototype.apply = function (ev) {
    var change = { cells: [], cases: false, row: false, newDay: false };
    // A drill of the urgent fast path counts in no counter, map or ticker (its urgent
    // panel shows it, marked 演练), as the server's snapshot leaves it out.
    if (ev.drill) return change;
    var was = this.openCases[ev.case_id];
    var now = this.inView(ev);
    if (was) this.count(was[0], -1, change);
    if (now) {
      this.openCases[ev.case_id] = [ev.cell].concat(ev.risk_at, [ev.category, ev.department, ev.priority, ev.to]);
      this.count(ev.cell, 1, change);
    } else {
      delete this.openCases[ev.case_id];
    }
    change.cases = Boolean(was || now);
    var reported = ev.from === null; // a case's first event has no state to come from
    var day = this.dayOf(ev.at);
    if (day > this.day) change.newDay = true;
    else if (day === this.day) {
      if (reported && now) this.counters.today += 1;
      if (ev.to === this.closedStatus && ev.from !== this.closedStatus) this.counters.closed_today += 1;
    }
    if (reported && now) {
      this.rows.unshift(ev);
      if (this.rows.length > this.tickerRows) this.rows.length = this.tickerRows;
      change.row = true;
    }
    if (this.department && ev.from_department === this.department && ev.department !== this.department) {
      // Reassigned away: no trace of the case stays on this department's screen.
      var before = this.rows.length;
      this.rows = this.rows.filter(function (r) { return r.case_id !== ev.case_id; });
      change.row = change.row || this.rows.length !== before;
    }
    return change;
  };

  State.prototype.count = function (cell, delta, change) {
    var n = (this.openByCell[cell] || 0) + delta;
    if (n > 0) this.openByCell[cell] = n; else delete this.openByCell[cell];
    this.counters.open += delta;
    var i = change.cells.indexOf(cell);
    if (i >= 0) change.cells.splice(i, 1); else change.cells.push(cell); // -1 then +1: unchanged
  };

  // The level (index in riskLevels) of an open case at nowS (epoch s): riskOpen until the
  // instants of its risk_at move it on.
  State.prototype.level = function (c, nowS) {
    var level = this.openLevel;
    if (this.suspendedStatus !== null && c[7] === this.suspendedStatus) return level;
    for (var i = 0; i < this.crossings.length; i++) {
      var at = c[1 + i];
      if (at !== null && at !== undefined && nowS >= at) level = this.crossings[i];
    }
    return level;
  };

  // Per cell the worst level; per level name the number of open cases at it, and under
  // "suspended" the number of them 挂账 (at the open level: their clocks stand still).
  State.prototype.risk = function (nowS) {
    var worst = {}, count = { suspended: 0 }, cases = this.openCases, self = this;
    this.levels.forEach(function (name) { count[name] = 0; });
    Object.keys(cases).forEach(function (id) {
      var c = cases[id], level = self.level(c, nowS);
      count[self.levels[level]] += 1;
      if (self.suspendedStatus !== null && c[7] === self.suspendedStatus) count.suspended += 1;
      if (!(worst[c[0]] >= level)) worst[c[0]] = level;
    });
    return { worst: worst, count: count };
  };

  // The open cases at alertFrom or worse at nowS (epoch s), unordered (alerts.js orders).
  State.prototype.alerting = function (nowS) {
    var out = [], cases = this.openCases, self = this;
    if (this.alertFrom < 0) return out;
    Object.keys(cases).forEach(function (id) {
      var c = cases[id], level = self.level(c, nowS);
      if (level < self.alertFrom) return;
      out.push({ id: Number(id), cell: c[0], level: level, deadline: c[3], category: c[4],
        department: c[5], priority: c[6] });
    });
    return out;
  };

  State.prototype.isNewDay = function (nowMs) {
    return this.day !== null && this.dayOf(nowMs) > this.day;
  };

  return { State: State };
});
