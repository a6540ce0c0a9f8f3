/* gridcc department desk (/dept): a liaison's own department, live — its map (the cases it
 * holds, from its own snapshot and events) and a server-paged, sortable table of its open
 * cases (filters: category, state, street / community, risk). A click on a cell (or a box)
 * narrows the table to those cells. A case opens in the shared case view, whose buttons are
 * the workflow's (签收, 退回, 处置反馈, 延期申请, 督办反馈); the table re-reads on every event of
 * the department. A case under 督办 shows red with its response clock; a pending extension
 * request says so.
 */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};
  var MODULES = ["core", "state", "map", "mapview", "mapoverlay", "mapdiff", "mapcolor", "counters",
    "status", "http", "live", "caselist", "casetable", "deskpanel", "livemap"];
  var COLUMNS = ["id", "category", "status", "place", "created", "deadline", "risk", "flags"];

  function configNode() { return document.querySelector('[data-md-page="dept"][data-md-config]'); }

  function ready() {
    return configNode() && root.io && root.maplibregl && MODULES.every(function (m) { return G[m]; });
  }

  function DeptDesk(cfg, snap) {
    var self = this, L = G.caselist;
    this.cfg = cfg;
    this.live = new G.livemap.LiveMap(cfg, snap, {
      // Every event this screen receives is its department's: any may change its table.
      onEvent: function (ev) { self.panel.heard(ev); },
      onResync: function () { self.panel.reload.poke(); },
      onClick: function (level, code, name) {
        self.panel.setPlace(L.clickPlace(self.panel.place, level, code, name, false));
      },
      onSelect: function (level, codes) { self.panel.setPlace(L.boxPlace(cfg.levels, level, codes)); },
      onLevel: function () { if (self.panel && self.panel.place) self.panel.setPlace(null); }
    });
    this.panel = new G.deskpanel.DeskPanel(cfg, this.live, {
      columns: COLUMNS,
      ticks: null,
      wholeView: true,
      // No state chosen: the cases the department holds (as its map), not those handed back.
      extraQuery: function (query) { if (!query.status && cfg.heldStates) query.status = cfg.heldStates.slice(); }
    });
    root.setInterval(function () { self.panel.table.recolour(); }, cfg.timing.riskTickMs);
    // A 督办's response clock counts down to the second.
    root.setInterval(function () { self.panel.table.tickClocks(); }, 1000);
    this.panel.reload.poke();
  }

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
    // Read by the browser tests (tests/e2e/test_lead_map.py).
    G.dept = new DeptDesk(JSON.parse(node.getAttribute("data-md-config")),
      JSON.parse(node.getAttribute("data-md-snapshot")));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof self !== "undefined" ? self : this);
