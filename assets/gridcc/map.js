/* gridcc map view: the Plotly choropleth recoloured with Plotly.restyle.
 *
 * One paint in flight; changes that arrive meanwhile are merged into the next paint (a
 * restyle rebuilds the whole map source, shared/notes/). Mode (open cases / risk) and level
 * (cell / community / street) only change state: the next paint applies them, so the map is
 * never restyled twice at once and a click before the map exists still takes effect.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.map = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var RISK = "risk"; // the mode whose values are risk levels (cfg.modes, dashboard/figures.py)

  // cfg: modes, levels, labels, riskLevels, timing.paintWatchdogMs
  // valuesOf(mode): a value per cell, in the order of cfg.codes
  function MapView(cfg, stats, valuesOf) {
    this.cfg = cfg;
    this.stats = stats;
    this.valuesOf = valuesOf;
    this.gd = null;
    this.mode = stats.mode = "load";
    this.level = stats.level = "cell";
    this.painting = false;
    this.dirty = false;     // values changed
    this.lookDirty = true;  // mode or level changed: restyle the whole look
    this.paintStarted = 0;
    this.buttons = [];
  }

  // The graph is drawn (by the server's figure: the load view of cells).
  MapView.prototype.attach = function (gd, mode, level) {
    this.gd = gd;
    this.lookDirty = false;
    this.setMode(mode || "load", false);
    this.setLevel(level || "cell", false);
    this.dirty = true;
    this.paint();
  };

  MapView.prototype.changed = function () { this.dirty = true; this.schedule(); };

  MapView.prototype.schedule = function () {
    var self = this;
    if (!this.painting) window.requestAnimationFrame(function () { self.paint(); });
  };

  // Values per shape of the current level: open cases add up, risk takes the worst.
  MapView.prototype.values = function () {
    var perCell = this.valuesOf(this.mode), L = this.cfg.levels[this.level], risk = this.mode === RISK;
    if (!L.ofCell) return perCell;
    var out = L.codes.map(function () { return 0; });
    perCell.forEach(function (v, i) {
      var j = L.ofCell[i];
      out[j] = risk ? Math.max(out[j], v) : out[j] + v;
    });
    return out;
  };

  // The load scale keeps "no open case" dark however high the maximum goes.
  MapView.prototype.loadScale = function (zmax) {
    var base = this.cfg.modes.load.colorscale, cut = 0.5 / zmax;
    return [base[0], [cut, base[1][1]], [cut + 1e-4, base[2][1]]].concat(base.slice(3));
  };

  MapView.prototype.scaleMax = function (z) {
    if (this.mode === RISK) return this.cfg.modes[RISK].zmax;
    return Math.max(this.cfg.modes.load.zmax, Math.max.apply(null, z));
  };

  MapView.prototype.hover = function () {
    var labels = this.cfg.labels;
    return "%{customdata}<br>%{location}<br>"
      + (this.mode === RISK ? labels.legend_risk + " %{text}" : labels.hover_open + " %{z}")
      + "<extra></extra>";
  };

  MapView.prototype.paint = function () {
    if (!this.gd || this.painting || !window.Plotly || !(this.dirty || this.lookDirty)) return;
    var cfg = this.cfg, z = this.values(), L = cfg.levels[this.level], look = cfg.modes[this.mode];
    var update = { z: [z] };
    if (this.mode === RISK) {
      update.text = [z.map(function (v) { return cfg.labels["risk_" + cfg.riskLevels[v]]; })];
    } else if (this.level !== "cell" || this.lookDirty) {
      update.zmax = this.scaleMax(z);
      update.colorscale = [this.loadScale(update.zmax)];
    }
    if (this.lookDirty) {
      update.geojson = [L.url];
      update.locations = [L.codes];
      update.customdata = [L.names];
      update.zmin = look.zmin;
      update.zmax = this.scaleMax(z);
      update.colorbar = look.colorbar;
      update.hovertemplate = this.hover();
      if (this.mode === RISK) update.colorscale = [look.colorscale];
    }
    var self = this;
    var done = function () { self.afterPaint(); };
    this.painting = true;
    this.paintStarted = Date.now();
    this.dirty = false;
    this.lookDirty = false;
    try {
      window.Plotly.restyle(this.gd, update, [0]).then(done, done);
    } catch (err) {
      this.painting = false;
      this.dirty = true;
      this.lookDirty = "geojson" in update;
      window.setTimeout(function () { self.schedule(); }, 1000);
    }
  };

  MapView.prototype.afterPaint = function () {
    this.painting = false;
    this.stats.paints += 1;
    if (this.dirty || this.lookDirty) this.schedule();
  };

  // A paint that never settles (a geometry download that hangs) must not freeze the map.
  MapView.prototype.watchdog = function () {
    if (this.painting && Date.now() - this.paintStarted > this.cfg.timing.paintWatchdogMs) {
      this.painting = false;
      this.dirty = true;
      this.lookDirty = true;
      this.schedule();
    }
  };

  MapView.prototype.setMode = function (next, store) { this.set("mode", "modes", next, store); };
  MapView.prototype.setLevel = function (next, store) { this.set("level", "levels", next, store); };

  MapView.prototype.set = function (key, options, next, store) {
    if (!this.cfg[options][next]) return;
    if (next !== this[key]) { this[key] = next; this.lookDirty = true; }
    this.stats[key] = next;
    if (store) remember(key === "mode" ? "gridcc.mapMode" : "gridcc.mapLevel", next);
    this.markButtons();
    this.schedule();
  };

  // The mode and level buttons (data-mode / data-level) of `holder`.
  MapView.prototype.bind = function (holder) {
    var self = this;
    this.buttons = Array.prototype.slice.call(holder.querySelectorAll("button"));
    this.buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        if (b.hasAttribute("data-mode")) self.setMode(b.getAttribute("data-mode"), true);
        else self.setLevel(b.getAttribute("data-level"), true);
      });
    });
    this.markButtons();
  };

  MapView.prototype.markButtons = function () {
    var self = this;
    this.buttons.forEach(function (b) {
      var on = b.getAttribute("data-mode") === self.mode || b.getAttribute("data-level") === self.level;
      b.classList.toggle("active", on);
    });
  };

  function remember(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* kiosk without storage */ }
  }

  return { MapView: MapView };
});
