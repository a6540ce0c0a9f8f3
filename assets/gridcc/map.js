/* gridcc wall map: the wall's use of the map view (mapview.js) — mode (open cases / risk)
 * and level (cell / community / street) buttons, the kiosk link's and the screen's memory
 * of them, and the values to paint. The view paints in batches, one paint in flight.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.map = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var RISK = "risk"; // the mode whose values are risk levels (cfg.map.modes, dashboard/figures.py)

  // cfg: the page config (map, levels, timing); valuesOf(mode): a value per cell, in the
  // order of cfg.codes; viewOpts (the desks' maps): onClick, onSelect for the map view, and
  // onLevel(level) when the level changes.
  function WallMap(cfg, stats, valuesOf, viewOpts) {
    this.cfg = cfg;
    this.viewOpts = viewOpts || {};
    this.stats = stats;
    this.valuesOf = valuesOf;
    this.view = null;
    this.mode = stats.mode = "load";
    this.level = stats.level = "cell";
    this.buttons = [];
  }

  // Draw the map in the element `container` (once maplibregl is loaded).
  WallMap.prototype.attach = function (container, mode, level) {
    var self = this, cfg = this.cfg, G = window.gridcc;
    this.setMode(mode || "load", false);
    this.setLevel(level || "cell", false);
    this.view = new G.mapview.MapView(container, cfg.map, cfg.levels, {
      stats: this.stats,
      watchdogMs: cfg.timing.paintWatchdogMs,
      seqOf: function () { return self.stats.lastSeq; },
      valuesOf: function (lv, md) {
        var L = cfg.levels[lv];
        if (cfg.map.modes[md].aggregate === "share" && G.peoplelayer) { // patrol coverage
          return G.peoplelayer.coverageLevel(self.valuesOf(md), L.ofCell, L.codes.length);
        }
        if (cfg.map.modes[md].aggregate === "bins" && G.qxypanel) { // 泉心愿: items waiting
          return G.qxypanel.binLevel(self.valuesOf(md), L.ofCell, L.codes.length, cfg.map.modes[md].bins);
        }
        return G.mapdiff.perLevel(self.valuesOf(md), L.ofCell, L.codes.length, md === RISK);
      },
      onClick: this.viewOpts.onClick,
      onSelect: this.viewOpts.onSelect
    });
    this.view.setMode(this.mode);
    this.view.show(this.level);
  };

  delegateToView(WallMap.prototype);

  WallMap.prototype.setMode = function (next, store) { this.set("mode", next, store); };
  WallMap.prototype.setLevel = function (next, store) { this.set("level", next, store); };

  WallMap.prototype.set = function (key, next, store) {
    var known = key === "mode" ? this.cfg.map.modes : this.cfg.levels;
    if (!known[next]) return;
    this[key] = this.stats[key] = next;
    if (store) remember(key === "mode" ? "gridcc.mapMode" : "gridcc.mapLevel", next);
    this.markButtons();
    if (this.view) {
      if (key === "mode") this.view.setMode(next);
      else this.view.show(next);
    }
    if (key === "level" && this.viewOpts.onLevel) this.viewOpts.onLevel(next);
  };

  // The mode and level buttons (data-mode / data-level) of `holder`; `title`: the element
  // that names what the map shows (cfg.labels["map_title_" + mode]).
  WallMap.prototype.bind = function (holder, title) {
    var self = this;
    this.title = title || null;
    this.buttons = Array.prototype.slice.call(holder.querySelectorAll("button"));
    this.buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        if (b.hasAttribute("data-mode")) self.setMode(b.getAttribute("data-mode"), true);
        else self.setLevel(b.getAttribute("data-level"), true);
      });
    });
    this.markButtons();
  };

  WallMap.prototype.markButtons = function () {
    var self = this, words = this.cfg.labels || {};
    if (this.title && words["map_title_" + this.mode]) this.title.textContent = words["map_title_" + this.mode];
    this.buttons.forEach(function (b) {
      var on = b.getAttribute("data-mode") === self.mode || b.getAttribute("data-level") === self.level;
      b.classList.toggle("active", on);
    });
  };

  // changed / watchdog / valueOf / colorOf: the view's, once it exists.
  function delegateToView(proto) {
    proto.changed = function () { if (this.view) this.view.changed(); };
    proto.watchdog = function () { if (this.view) this.view.watchdog(); };
    proto.valueOf = function (code, level) { return this.view ? this.view.valueOf(code, level) : undefined; };
    proto.colorOf = function (code, level) { return this.view ? this.view.colorOf(code, level) : undefined; };
  }

  function remember(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* kiosk without storage */ }
  }

  return { WallMap: WallMap };
});
