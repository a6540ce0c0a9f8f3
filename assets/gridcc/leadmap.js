/* gridcc shift lead's map (/lead): the district's live map; a click on a shape (Ctrl-click
 * to add, Shift-drag for a box) lists its open cases beside it; ticked cases are reassigned
 * to another department with a reason in one request, then may be undone for the server's
 * window (cfg.undoWindowMs). The list re-reads itself when an event touches its cells or
 * its cases, so every screen shows a move without a reload.
 * Dash renders the page after the scripts ran: this waits for the page's config.
 */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};
  var MODULES = ["core", "state", "map", "mapview", "mapoverlay", "mapdiff", "mapcolor", "counters",
    "status", "http", "live", "caselist", "casetable", "deskpanel", "livemap", "peoplelayer"];
  var COLUMNS = ["id", "category", "department", "status", "place", "deadline", "risk"];
  // This screen knows the server's clock to a second or so (the snapshot's whole seconds,
  // the time a request takes): the undo bar closes this much before the server's window.
  var UNDO_MARGIN_MS = 2000;

  function configNode() { return document.querySelector('[data-md-page="lead"][data-md-config]'); }

  function ready() {
    return configNode() && root.io && root.maplibregl && MODULES.every(function (m) { return G[m]; });
  }

  function LeadMap(cfg, snap) {
    var self = this, ids = cfg.mapDeskIds, L = G.caselist;
    this.cfg = cfg;
    this.words = cfg.labels;
    this.ticks = new L.Selection();
    this.undo = null;
    this.busy = false;
    this.addKey = false;  // Ctrl / Cmd held at the last press on the map: a click adds
    this.live = new G.livemap.LiveMap(cfg, snap, {
      onEvent: function (ev) { self.panel.heard(ev); },
      onResync: function () { self.panel.reload.poke(); },
      onClick: function (level, code, name) {
        self.panel.setPlace(L.clickPlace(self.panel.place, level, code, name, self.addKey));
      },
      onSelect: function (level, codes) {
        self.panel.setPlace(L.boxPlace(cfg.levels, level, codes));
      },
      onLevel: function () { if (self.panel && self.panel.place) self.panel.setPlace(null); }
    });
    this.panel = new G.deskpanel.DeskPanel(cfg, this.live, {
      columns: COLUMNS,
      ticks: this.ticks,
      wholeView: false,
      onTicks: function () { self.showActions(); }
    });
    var mapEl = document.getElementById(ids.map);
    mapEl.addEventListener("mousedown", function (e) { self.addKey = e.ctrlKey || e.metaKey; }, true);
    this.actions = document.getElementById(ids.actions);
    this.undoBar = document.getElementById(ids.undo);
    this.actions.querySelector(".case-reassign").addEventListener("click", function () { self.reassign(); });
    root.setInterval(function () { self.showUndo(); }, 1000);
    root.setInterval(function () { self.panel.table.recolour(); }, cfg.timing.riskTickMs);
    this.panel.reload.poke();
  }

  LeadMap.prototype.showActions = function () {
    var n = this.ticks.size();
    this.actions.hidden = n === 0;
    this.actions.querySelector(".case-selected-count").textContent = G.caselist.fill(this.words.selected_n, { n: n });
  };

  LeadMap.prototype.departmentName = function (code) {
    var d = this.cfg.departments.filter(function (x) { return x.code === code; })[0];
    return d ? d.name : code;
  };

  // One request for every ticked case: to which department, why.
  LeadMap.prototype.reassign = function () {
    var words = this.words, panel = this.panel, self = this, L = G.caselist;
    var to = this.actions.querySelector("select[name=to_department]").value;
    var reasonEl = this.actions.querySelector("input[name=reason]");
    var reason = reasonEl.value.trim();
    if (!this.ticks.size()) return panel.say("error", words.need_selection);
    if (!to) return panel.say("error", words.need_department);
    if (!reason) { reasonEl.focus(); return panel.say("error", words.need_reason); }
    if (this.busy) return;
    this.busy = true;
    var items = this.ticks.items();
    G.http.post(this.cfg.actionsUrl + "reassign?lang=" + this.cfg.lang, {
      cases: items, reason: reason, department: to
    }).then(function (body) {
      var out = L.outcome(body);
      self.ticks.clear();
      self.showActions();
      reasonEl.value = "";
      var head = L.fill(words.reassigned, { n: out.done.length, dept: self.departmentName(to) });
      var lines = out.refused.length
        ? [L.fill(words.refused_n, { n: out.refused.length })].concat(panel.refusals(out.refused, words.reassign))
        : [];
      panel.say(out.refused.length ? "error" : "info", head, lines);
      self.undo = out.done.length ? new L.UndoWindow(out.done, self.cfg.undoWindowMs, self.live.nowMs(), UNDO_MARGIN_MS) : null;
      self.undoTo = self.departmentName(to);
      self.showUndo();
      panel.reload.poke();
    }, function (err) {
      panel.say("error", G.casefmt.message(err, self.words));
    }).finally(function () { self.busy = false; });
  };

  // The undo bar: while the server's window is open, with the seconds left.
  LeadMap.prototype.showUndo = function () {
    var bar = this.undoBar, undo = this.undo, words = this.words, L = G.caselist, self = this;
    if (!undo || !undo.isOpen(this.live.nowMs())) {
      if (!bar.hidden) { bar.hidden = true; bar.textContent = ""; }
      this.undo = null;
      return;
    }
    var left = L.fill(words.undo_left, { s: undo.secondsLeft(this.live.nowMs()) });
    if (!bar.hidden && bar.firstChild) {
      bar.querySelector(".undo-left").textContent = left;
      return;
    }
    var N = G.deskpanel.node;
    bar.textContent = "";
    bar.appendChild(N("span", "undo-what", L.fill(words.reassigned, { n: undo.rows.length, dept: this.undoTo })));
    bar.appendChild(N("span", "undo-left", left));
    var button = bar.appendChild(N("button", "undo-button", words.undo));
    button.addEventListener("click", function () { self.undoNow(); });
    bar.hidden = false;
  };

  LeadMap.prototype.undoNow = function () {
    var undo = this.undo, panel = this.panel, words = this.words, self = this, L = G.caselist;
    if (!undo || this.busy) return;
    this.busy = true;
    G.http.post(this.cfg.actionsUrl + "undo_reassign?lang=" + this.cfg.lang, { cases: undo.items() })
      .then(function (body) {
        var out = L.outcome(body);
        var lines = panel.refusals(out.refused, words.undo);
        panel.say(out.refused.length ? "error" : "info", L.fill(words.undone, { n: out.done.length }), lines);
        self.undo = null;
        self.showUndo();
        panel.reload.poke();
      }, function (err) { panel.say("error", G.casefmt.message(err, self.words)); })
      .finally(function () { self.busy = false; });
  };

  function start() {
    if (!ready()) {
      var watch = new MutationObserver(function () {
        if (ready()) { watch.disconnect(); start(); }
      });
      watch.observe(document.body, { childList: true, subtree: true });
      if (!ready()) return;
      watch.disconnect();
    }
    var node = configNode();
    var cfg = JSON.parse(node.getAttribute("data-md-config"));
    // Read by the browser tests (tests/e2e/test_lead_map.py).
    G.lead = new LeadMap(cfg, JSON.parse(node.getAttribute("data-md-snapshot")));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof self !== "undefined" ? self : this);
