/* gridcc presence: who else has this case, or these grid cells, open right now — so two
 * people never work one case by accident, and a lead's map shows where people are.
 *
 * Any page with a Socket.IO socket to the hub may use it (it assumes no page):
 *   var p = new gridcc.presence.Presence(socket, function (p, change) { … }, options);
 *   p.open(caseId, "viewing" | "editing")   this screen has a case open
 *   p.watchCells(["370102…", …])            this screen watches grid cells (a map)
 *   p.close()                               nothing open
 *   p.othersOn(caseId), p.othersOnCell(code) the people there, this screen's user left out
 *   p.load(body)                            merge a GET /api/presence answer (a page's start)
 *   p.stop()                                leave the socket alone again
 * onChange(p, change) is called with change = {cases: [ids], cells: [codes], error: ack|null}
 * whenever what p knows changed (or the server refused what this screen announced).
 * options: you (this screen's user, if the page knows it; else the server's first answer
 * tells), heartbeatMs (default: a third of the server's ttl), timers ({every, cancel}).
 *
 * The server (dashboard/presence.py) keeps one presence per socket, replaced by each
 * emit and gone when the socket closes or the presence runs out (its ttl): p re-announces
 * on a heartbeat and after every reconnect. Updates arrive as the event "presence",
 * {case, cell, people, at} or {cells: {code: people}, at}; an update older (by `at`) than
 * what is shown is ignored.
 *
 * The pure part (Board, others, describe, sentence, editing) is tested with node; labels
 * come from the page's config (dashboard/i18n.py presence_labels).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.presence = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var EVENT = "presence";
  var MAX_CELLS = 200;            // the server refuses more (cases/presence.py MAX_CELLS)
  var DEFAULT_HEARTBEAT_MS = 30000;

  function samePeople(a, b) {
    if (!a || !b || a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) {
      if (a[i].user !== b[i].user || a[i].mode !== b[i].mode || a[i].name !== b[i].name) return false;
    }
    return true;
  }

  // What this screen knows of everyone's presence: the newest reading per case and per cell.
  function Board() {
    this.cases = {};  // id -> {cell, people, at}
    this.cells = {};  // code -> {people, at}
  }

  // Merge one update (a socket event, an ack or a GET answer); returns what changed.
  Board.prototype.apply = function (update) {
    var change = { cases: [], cells: [] };
    if (!update || typeof update !== "object") return change;
    var at = typeof update.at === "number" ? update.at : 0;
    if (typeof update.case === "number" && Array.isArray(update.people)) {
      var held = this.cases[update.case];
      if (!held || held.at <= at) {
        this.cases[update.case] = { cell: update.cell || null, people: update.people.slice(), at: at };
        if (!samePeople(held ? held.people : [], update.people)) change.cases.push(update.case);
      }
    }
    if (update.cells && typeof update.cells === "object" && !Array.isArray(update.cells)) {
      var self = this;
      Object.keys(update.cells).forEach(function (code) {
        var people = update.cells[code];
        if (!Array.isArray(people)) return;
        var was = self.cells[code];
        if (was && was.at > at) return;
        self.cells[code] = { people: people.slice(), at: at };
        if (!samePeople(was ? was.people : [], people)) change.cells.push(code);
      });
    }
    return change;
  };

  // Every case and cell it holds, as a change (for a page to draw all again).
  Board.prototype.everything = function () {
    return { cases: Object.keys(this.cases).map(Number), cells: Object.keys(this.cells) };
  };

  Board.prototype.onCase = function (id) {
    var held = this.cases[id];
    return held ? held.people : [];
  };

  Board.prototype.onCell = function (code) {
    var held = this.cells[code];
    return held ? held.people : [];
  };

  // The people who are not `you` (a person's other screens are theirs, not a colleague's).
  function others(people, you) {
    return (people || []).filter(function (p) { return p.user !== you; });
  }

  function editing(people) {
    return (people || []).some(function (p) { return p.mode === "editing"; });
  }

  // "张三 (值班员) 正在编辑" / "Zhang San (operator) is editing", in the labels' words.
  function describe(person, labels) {
    var role = (labels.roles && labels.roles[person.role]) || person.role;
    var mode = labels[person.mode] || person.mode;
    var parts = { name: person.name || person.user, role: role, mode: mode };
    return labels.format.replace(/\{(name|role|mode)\}/g, function (_, k) { return parts[k]; });
  }

  function sentence(people, labels) {
    return (people || []).map(function (p) { return describe(p, labels); }).join(labels.separator);
  }

  // A screen's own presence as the server takes it: {case, mode}, {cells, mode} or {}.
  function payload(target) {
    if (target && typeof target.case === "number") return { case: target.case, mode: target.mode };
    if (target && target.cells && target.cells.length) return { cells: target.cells.slice(), mode: "viewing" };
    return {};
  }

  function browserTimers() {
    return {
      every: function (fn, ms) { return setInterval(fn, ms); },
      cancel: function (handle) { clearInterval(handle); }
    };
  }

  function Presence(socket, onChange, options) {
    options = options || {};
    this.socket = socket;
    this.onChange = onChange || function () {};
    this.board = new Board();
    this.you = options.you || null;  // this screen's user (the server's answers name it too)
    this.target = {};         // what this screen has open
    this.lastError = null;
    this._inflight = 0;       // 0, or the beats an unanswered announcement has waited
    this._again = false;      // announce again once the answer is in
    this.timers = options.timers || browserTimers();
    this.fixedBeat = options.heartbeatMs || null;
    this.beatMs = this.fixedBeat || DEFAULT_HEARTBEAT_MS;
    var self = this;
    this._onUpdate = function (update) { self._changed(self.board.apply(update), null); };
    this._onConnect = function () { self.heartbeat(); };
    this._onDisconnect = function () { self._inflight = 0; self._again = false; };  // no answer comes
    socket.on(EVENT, this._onUpdate);
    socket.on("connect", this._onConnect);  // a new socket id: announce again
    socket.on("disconnect", this._onDisconnect);
    this._beat = this.timers.every(function () { self.heartbeat(); }, this.beatMs);
  }

  Presence.prototype.open = function (caseId, mode) {
    this.target = { case: Number(caseId), mode: mode === "editing" ? "editing" : "viewing" };
    this.announce();
  };

  Presence.prototype.watchCells = function (codes) {
    var unique = [];
    (codes || []).forEach(function (c) { if (unique.indexOf(c) < 0) unique.push(c); });
    this.target = { cells: unique.slice(0, MAX_CELLS) };
    this.announce();
  };

  Presence.prototype.close = function () {
    this.target = {};
    this.announce();
  };

  // Re-announce what is open, before the server's ttl runs out (nothing open: nothing to keep).
  Presence.prototype.heartbeat = function () {
    var body = payload(this.target);
    // An announcement unanswered for a whole beat is given up (it will never be answered).
    if (this._inflight && ++this._inflight > 2) this._inflight = 0;
    if (body.case !== undefined || body.cells) this.announce();
  };

  // One announcement in flight at a time, the newest next: the server handles a socket's
  // emits on threads of their own, so two in flight could land in either order.
  Presence.prototype.announce = function () {
    if (!this.socket.connected) return;  // announced on (re)connect
    if (this._inflight) { this._again = true; return; }
    var self = this;
    this._inflight = 1;
    this.socket.emit(EVENT, payload(this.target), function (ack) {
      self._inflight = 0;
      self._acked(ack);
      if (self._again) { self._again = false; self.announce(); }
    });
  };

  Presence.prototype._acked = function (ack) {
    if (!ack || ack.ok !== true) {
      this.lastError = ack || { ok: false, error: "no_answer" };
      this._changed({ cases: [], cells: [] }, this.lastError);
      return;
    }
    this.lastError = null;
    if (!this.fixedBeat && typeof ack.ttl === "number" && ack.ttl > 0) {
      this._retime(Math.max(1000, Math.floor(ack.ttl * 1000 / 3)));
    }
    var change = this.board.apply(ack);
    if (ack.you !== this.you) {
      // Updates may have come before the first answer: everything shown so far counted this
      // screen's own user among the others.
      this.you = ack.you;
      change = this.board.everything();
    }
    this._changed(change, null);
  };

  Presence.prototype._retime = function (ms) {
    if (ms === this.beatMs) return;
    var self = this;
    this.beatMs = ms;
    this.timers.cancel(this._beat);
    this._beat = this.timers.every(function () { self.heartbeat(); }, ms);
  };

  Presence.prototype._changed = function (change, error) {
    change.error = error;
    if (change.cases.length || change.cells.length || error) this.onChange(this, change);
  };

  Presence.prototype.load = function (body) {
    if (body && body.you) this.you = body.you;
    this._changed(this.board.apply(body), null);
  };

  Presence.prototype.othersOn = function (caseId) { return others(this.board.onCase(caseId), this.you); };
  Presence.prototype.othersOnCell = function (code) { return others(this.board.onCell(code), this.you); };

  Presence.prototype.stop = function () {
    this.timers.cancel(this._beat);
    this.socket.off(EVENT, this._onUpdate);
    this.socket.off("connect", this._onConnect);
    this.socket.off("disconnect", this._onDisconnect);
  };

  // A line of chips for a page to show (textContent only: names are people's own input).
  function show(element, people, labels) {
    while (element.firstChild) element.removeChild(element.firstChild);
    (people || []).forEach(function (p) {
      var chip = element.ownerDocument.createElement("span");
      chip.className = "presence-person presence-" + (p.mode === "editing" ? "editing" : "viewing");
      chip.textContent = describe(p, labels);
      element.appendChild(chip);
    });
    element.hidden = !(people && people.length);
  }

  return {
    EVENT: EVENT, MAX_CELLS: MAX_CELLS, Board: Board, Presence: Presence, others: others,
    editing: editing, describe: describe, sentence: sentence, payload: payload, show: show
  };
});
