/* The candidate: MapLibre GL JS, cells as a GeoJSON source (promoteId "i", the cell's index)
 * and a fill layer coloured by a feature-state expression. A recolour calls setFeatureState
 * only for the cells whose value changed since the last paint; one paint in flight (until the
 * map is 'idle'), changes merged meanwhile. Offline: a background-only style, no glyphs, no tiles.
 */
(function () {
  "use strict";

  var BACKGROUND = "#0b1420";
  // The baseline's load colorscale (0..8 open cases) as stops on the cell's value.
  var FILL = [
    "interpolate", ["linear"], ["coalesce", ["feature-state", "v"], 0],
    0, "#16283a", 0.5, "#16283a", 0.5008, "#1f6f8b", 2, "#2aa198",
    3.6, "#e0b341", 5.6, "#f07f2e", 8, "#e3342f",
  ];

  function MapLibreView() {
    this.map = null;
    this.values = null;
    this.shown = null;      // the value each cell's feature state holds
    this.changedCells = new Set();
    this.painting = false;
  }

  MapLibreView.prototype.load = function (cfg, values) {
    var self = this;
    this.values = values;
    this.shown = Int32Array.from(values);
    return new Promise(function (resolve, reject) {
      var map = self.map = new window.maplibregl.Map({
        container: "map",
        style: { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": BACKGROUND } }] },
        center: cfg.center, zoom: cfg.zoom, attributionControl: false, fadeDuration: 0,
      });
      map.on("error", function (e) { reject(e.error || e); });
      map.on("load", function () {
        map.addSource("cells", { type: "geojson", data: cfg.cellsUrl, promoteId: "i" });
        map.addLayer({ id: "cells-fill", type: "fill", source: "cells", paint: { "fill-color": FILL, "fill-opacity": 0.92 } });
        map.addLayer({ id: "cells-line", type: "line", source: "cells", paint: { "line-color": "#35526e", "line-width": 0.4 } });
        for (var i = 0; i < values.length; i++) map.setFeatureState({ source: "cells", id: i }, { v: values[i] });
        var ready = function () {
          if (map.isSourceLoaded("cells")) resolve(); else map.once("idle", ready);
        };
        map.once("idle", ready);
      });
    });
  };

  MapLibreView.prototype.changed = function (cell) {
    this.changedCells.add(cell);
    this.schedule();
  };

  MapLibreView.prototype.schedule = function () {
    var self = this;
    if (!this.painting) window.requestAnimationFrame(function () { self.paint(); });
  };

  MapLibreView.prototype.paint = function () {
    if (!this.map || this.painting || !this.changedCells.size) return;
    var token = window.bench.paintBegin(), sent = [], self = this;
    this.changedCells.forEach(function (cell) {
      var v = self.values[cell];
      if (v === self.shown[cell]) return;
      self.map.setFeatureState({ source: "cells", id: cell }, { v: v });
      self.shown[cell] = v;
      sent.push([cell, v]);
    });
    this.changedCells.clear();
    this.painting = true;
    var done = function () { window.bench.paintEnd(token, JSON.stringify(sent).length).then(function () { self.afterPaint(); }); };
    if (sent.length) this.map.once("idle", done); else done();  // merged back to what is shown
  };

  MapLibreView.prototype.afterPaint = function () {
    this.painting = false;
    if (this.changedCells.size) this.schedule();
  };

  MapLibreView.prototype.painted = function () {
    var map = this.map, out = new Array(this.values.length);
    for (var i = 0; i < out.length; i++) out[i] = map.getFeatureState({ source: "cells", id: i }).v;
    return out;
  };

  window.bench.start(new MapLibreView());
})();
