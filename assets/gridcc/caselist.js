/* gridcc case lists: the pure parts of the desks' lists (no DOM, no timers, no fetch).
 *
 * - a place: the cells, communities or streets a list is of (a click, a Ctrl-click, a box);
 * - the query a list asks /api/cases (dashboard/desk_api.py reads the same names);
 * - the cases ticked on the page shown, each with the version its row showed;
 * - the window in which a reassign may be undone (the server's length, from the config,
 *   counted from the reassign's own time on the server's clock);
 * - what a bulk action's answer says, case by case.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.caselist = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var SORTS = ["created", "deadline", "updated", "id"];

  // "已选 {n} 件" + {n: 3} → "已选 3 件"; a name not given stays as it is.
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }

  // -- places ------------------------------------------------------------------------------
  // A place: { level: "cell" | "community" | "street", codes: [...], names: [...] }.

  // After a click on shape (level, code, name): that shape alone; with `add` (Ctrl-click) on
  // the place's level, the shape joins it or leaves it (null when none is left).
  function clickPlace(place, level, code, name, add) {
    if (!add || !place || place.level !== level) return { level: level, codes: [code], names: [name] };
    var at = place.codes.indexOf(code);
    var codes = place.codes.slice(), names = place.names.slice();
    if (at >= 0) { codes.splice(at, 1); names.splice(at, 1); } else { codes.push(code); names.push(name); }
    return codes.length ? { level: level, codes: codes, names: names } : null;
  }

  // After a box over shapes of `level`: those shapes, named from the level's config.
  function boxPlace(levels, level, codes) {
    if (!codes || !codes.length) return null;
    var L = levels[level], index = {};
    L.codes.forEach(function (c, i) { index[c] = i; });
    var known = codes.filter(function (c) { return index[c] !== undefined; });
    if (!known.length) return null;
    return {
      level: level,
      codes: known,
      names: known.map(function (c) { return (L.names && L.names[index[c]]) || c; })
    };
  }

  // The cells a place covers (cellCodes: cfg.codes; levels[level].ofCell: each cell's unit).
  function cellsOf(levels, cellCodes, place) {
    if (!place) return null;
    if (place.level === "cell") return place.codes.slice();
    var L = levels[place.level], wanted = {}, out = [];
    place.codes.forEach(function (c) { wanted[L.codes.indexOf(c)] = true; });
    L.ofCell.forEach(function (unit, i) { if (wanted[unit]) out.push(cellCodes[i]); });
    return out;
  }

  // -- the list's query --------------------------------------------------------------------
  // filters: { category, department, status, risk, place: "street:<code>" | "community:…" },
  // each "" or absent for no filter, a list comma-separated; sort: { key, order }. Shapes
  // chosen on the map (place) take the place of the street / community filter.
  function listQuery(place, filters, sort, offset, limit, lang) {
    filters = filters || {};
    var q = {}, list = function (v) { return v ? String(v).split(",").filter(Boolean) : null; };
    if (place) q[place.level] = place.codes.slice();
    else if (filters.place) {
      // the filter's street or community, where no shapes of the map are chosen
      var at = filters.place.indexOf(":");
      var level = filters.place.slice(0, at), code = filters.place.slice(at + 1);
      if ((level === "street" || level === "community") && code) q[level] = [code];
    }
    ["category", "department", "status", "risk"].forEach(function (name) {
      var v = list(filters[name]);
      if (v) q[name] = v;
    });
    var key = sort && SORTS.indexOf(sort.key) >= 0 ? sort.key : "deadline";
    q.sort = key;
    q.order = sort && sort.order === "desc" ? "desc" : "asc";
    q.offset = Math.max(0, offset | 0);
    q.limit = limit;
    if (lang) q.lang = lang;
    return q;
  }

  // Clicking a column's header: sort by it, or turn the order when it already is.
  function nextSort(sort, key) {
    if (sort && sort.key === key) return { key: key, order: sort.order === "asc" ? "desc" : "asc" };
    return { key: key, order: "asc" };
  }

  // What the pager says: first and last row shown (1-based), the total ("10000+" past the cap).
  function pageSpan(page) {
    var n = page.cases.length;
    return {
      from: n ? page.offset + 1 : 0,
      to: page.offset + n,
      total: page.capped ? (page.total - 1) + "+" : String(page.total),
      hasPrev: page.offset > 0,
      hasNext: page.capped || page.offset + n < page.total
    };
  }

  // A row's risk now (nowS: epoch s, the server's clock): the open level until the instants
  // of its risk_at pass (rules: cfg.riskOpen, cfg.riskAt), as the map colours a cell.
  function rowRisk(row, nowS, rules) {
    var level = rules.riskOpen, at = row.risk_at || [];
    for (var i = 0; i < rules.riskAt.length; i++) {
      if (at[i] !== null && at[i] !== undefined && nowS >= at[i]) level = rules.riskAt[i];
    }
    return level;
  }

  // -- ticked cases ------------------------------------------------------------------------
  // The cases ticked on the page shown, each with the version its row showed: an action
  // asks for exactly what the asker saw (a case changed since is refused with who did it).
  function Selection() { this.versions = {}; }

  Selection.prototype.size = function () { return Object.keys(this.versions).length; };
  Selection.prototype.has = function (id) { return this.versions[id] !== undefined; };
  Selection.prototype.clear = function () { this.versions = {}; };

  Selection.prototype.toggle = function (row, on) {
    if (on === undefined) on = !this.has(row.id);
    if (on) this.versions[row.id] = row.version; else delete this.versions[row.id];
  };

  // "none", "some" or "all" of the page's rows are ticked (the header's box).
  Selection.prototype.pageState = function (rows) {
    var self = this, n = rows.filter(function (r) { return self.has(r.id); }).length;
    return n === 0 ? "none" : n === rows.length ? "all" : "some";
  };

  Selection.prototype.setPage = function (rows, on) {
    var self = this;
    rows.forEach(function (r) { self.toggle(r, on); });
  };

  // The page was read again: a ticked case still on it stays ticked with the version it had
  // when it was ticked (changed since, the action is refused with who changed it: a 409,
  // never an overwrite); one that left the page is no longer ticked (what is ticked is
  // always in sight). Returns the ids ticked that changed since.
  Selection.prototype.refresh = function (rows) {
    var next = {}, changed = [], self = this;
    rows.forEach(function (r) {
      if (!self.has(r.id)) return;
      next[r.id] = self.versions[r.id];
      if (r.version !== self.versions[r.id]) changed.push(r.id);
    });
    this.versions = next;
    return changed;
  };

  // The body's cases of POST /api/cases/actions/<name>, in id order.
  Selection.prototype.items = function () {
    var v = this.versions;
    return Object.keys(v).map(Number).sort(function (a, b) { return a - b; }).map(function (id) {
      return { id: id, expected_version: v[id] };
    });
  };

  // -- a bulk action's answer --------------------------------------------------------------
  // { done: [rows], refused: [{id, error, message, changed_by, changed_at, current_status}] }
  function outcome(body) {
    var done = [], refused = [];
    (body && body.results || []).forEach(function (r) {
      if (r.ok) done.push(r.case); else refused.push(r);
    });
    return { done: done, refused: refused };
  }

  // -- undo --------------------------------------------------------------------------------
  // The undo of one reassign of `done` rows (their new versions): open for windowMs from the
  // reassign's time on the server (the earliest row's updated_at, to the second); nowMs is
  // the server's as this screen knows it, to a second or so (marginMs: closed that much
  // earlier, so the bar never offers an undo the server would refuse as late).
  function UndoWindow(done, windowMs, fallbackStartMs, marginMs) {
    var starts = done.map(function (row) { return Date.parse(row.updated_at); })
      .filter(function (t) { return !isNaN(t); });
    this.rows = done;
    this.startMs = starts.length ? Math.min.apply(null, starts) : fallbackStartMs;
    this.endMs = this.startMs + windowMs - (marginMs || 0);
  }

  UndoWindow.prototype.leftMs = function (nowMs) { return Math.max(0, this.endMs - nowMs); };
  UndoWindow.prototype.isOpen = function (nowMs) { return this.rows.length > 0 && this.leftMs(nowMs) > 0; };
  // Whole seconds left, rounded down: the bar never promises a second the server won't give.
  UndoWindow.prototype.secondsLeft = function (nowMs) { return Math.floor(this.leftMs(nowMs) / 1000); };
  UndoWindow.prototype.items = function () {
    return this.rows.map(function (row) { return { id: row.id, expected_version: row.version }; });
  };

  return {
    fill: fill,
    clickPlace: clickPlace,
    boxPlace: boxPlace,
    cellsOf: cellsOf,
    listQuery: listQuery,
    nextSort: nextSort,
    pageSpan: pageSpan,
    rowRisk: rowRisk,
    Selection: Selection,
    outcome: outcome,
    UndoWindow: UndoWindow
  };
});
