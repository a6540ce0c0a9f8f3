/* gridcc map overlays, in HTML over the map (no glyphs or sprites to fetch): the legend, the
 * attribution, the hover card, the labels of streets and communities where they fit, and
 * the shift-drag select box. Text always goes in as text, never as markup.
 */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};
  // Label sizes in rem (the page's root font size grows with the screen, wall.css): the
  // largest a level's names get, and the smallest worth drawing (below it, none).
  var LABEL_MAX_REM = { street: 1.7, community: 1.15, cell: 1.45 };
  var LABEL_MIN_REM = 0.8;

  function rem() {
    return parseFloat(root.getComputedStyle(document.documentElement).fontSize) || 16;
  }

  function div(parent, className, text) {
    var d = document.createElement("div");
    d.className = className;
    if (text !== undefined) d.textContent = text;
    parent.appendChild(d);
    return d;
  }

  function Legend(container) { this.el = div(container, "map-legend"); }

  // spec: mapcolor.legend(): {title, swatches: [{color, label}]} or {title, gradient, ticks, top}
  Legend.prototype.render = function (spec) {
    var el = this.el;
    el.textContent = "";
    div(el, "map-legend-title", spec.title);
    if (spec.swatches) {
      spec.swatches.forEach(function (s) {
        var row = div(el, "map-legend-row");
        div(row, "map-legend-swatch").style.background = s.color;
        div(row, "map-legend-label", s.label);
      });
      return;
    }
    div(el, "map-legend-bar").style.background = spec.gradient;
    var ticks = div(el, "map-legend-ticks");
    spec.ticks.forEach(function (t) {
      var tick = div(ticks, "map-legend-tick", String(t));
      tick.style.left = (100 * t / spec.top) + "%";
    });
  };

  function HoverCard(view, container) {
    this.view = view;
    this.el = div(container, "map-card");
    this.el.hidden = true;
    this.hovered = null;
  }

  // Hover card, highlight and click for the fill layer of `level` (once per level).
  HoverCard.prototype.bind = function (level) {
    var view = this.view, map = view.map, self = this, layer = "fill-" + level;
    map.on("mousemove", layer, function (e) {
      var f = e.features && e.features[0];
      if (!f) return;
      self.highlight({ source: level, id: f.properties.code });
      var C = G.mapcolor, value = view.valueOf(f.properties.code, level);
      self.el.textContent = "";
      div(self.el, "map-card-name", f.properties.name);
      div(self.el, "map-card-code", f.properties.code);
      div(self.el, "map-card-value", C.describe(view.look, view.mode, value));
      self.el.style.transform = "translate(" + (e.point.x + 14) + "px," + (e.point.y + 14) + "px)";
      self.el.hidden = false;
      map.getCanvas().style.cursor = view.opts.onClick ? "pointer" : "";
    });
    map.on("mouseleave", layer, function () {
      self.highlight(null);
      self.el.hidden = true;
      map.getCanvas().style.cursor = "";
    });
    map.on("click", layer, function (e) {
      var f = e.features && e.features[0];
      if (f && view.opts.onClick) view.opts.onClick(level, f.properties.code, f.properties.name);
    });
  };

  HoverCard.prototype.highlight = function (feature) {
    var map = this.view.map, h = this.hovered;
    if (h && (!feature || h.id !== feature.id || h.source !== feature.source)) {
      if (map.getSource(h.source)) map.setFeatureState(h, { hover: false });
    }
    if (feature) map.setFeatureState(feature, { hover: true });
    this.hovered = feature;
  };

  // Labels: [name, lon, lat, room] per shape; each sized to fit its room, hidden if it can't.
  // Over the cells (too small to name) they are their streets' names, drawn fainter.
  function Labels(view, container) {
    var self = this;
    this.map = view.map;
    this.view = view;
    this.el = div(container, "map-labels");
    this.items = [];
    this.queued = false;
    var later = function () {
      if (self.queued) return;
      self.queued = true;
      root.requestAnimationFrame(function () { self.queued = false; self.place(); });
    };
    this.map.on("move", later);
    this.map.on("resize", later);
  }

  Labels.prototype.show = function (labels) {
    this.el.textContent = "";
    this.el.className = "map-labels map-labels-" + this.view.level;
    this.maxRem = LABEL_MAX_REM[this.view.level] || 1;
    var el = this.el;
    this.items = (labels || []).map(function (l) {
      return { name: l[0], lon: l[1], lat: l[2], room: l[3], el: div(el, "map-label", l[0]) };
    });
    this.place();
  };

  Labels.prototype.place = function () {
    // A wall-sized screen (3840×2160) has a larger rem: larger labels, as far as each
    // one's room allows.
    var map = this.map, unit = rem(), max = this.maxRem * unit, min = LABEL_MIN_REM * unit;
    this.items.forEach(function (it) {
      var p = map.project([it.lon, it.lat]);
      var roomPx = p.y - map.project([it.lon, it.lat + it.room]).y;
      // CJK glyphs are about 1 em wide: the name fits across 1.8 radii of its room.
      var size = Math.min(max, (1.8 * roomPx) / Math.max(it.name.length, 1));
      it.el.hidden = size < min;
      if (it.el.hidden) return;
      it.el.style.fontSize = size.toFixed(1) + "px";
      it.el.style.transform = "translate(" + p.x.toFixed(1) + "px," + p.y.toFixed(1) + "px) translate(-50%,-50%)";
    });
  };

  // Shift-drag draws a box; on release, the codes of the current level's shapes under it.
  function SelectBox(view, container) {
    var map = view.map, canvas = map.getCanvasContainer(), box = null, start = null;
    var point = function (e) {
      var r = canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    var move = function (e) {
      var p = point(e), x = Math.min(p[0], start[0]), y = Math.min(p[1], start[1]);
      box.style.transform = "translate(" + x + "px," + y + "px)";
      box.style.width = Math.abs(p[0] - start[0]) + "px";
      box.style.height = Math.abs(p[1] - start[1]) + "px";
    };
    var up = function (e) {
      document.removeEventListener("mousemove", move);
      document.removeEventListener("mouseup", up);
      box.remove();
      map.dragPan.enable();
      var p = point(e), layer = "fill-" + view.level, seen = {}, codes = [];
      if (!map.getLayer(layer)) return;
      map.queryRenderedFeatures([start, p], { layers: [layer] }).forEach(function (f) {
        var code = f.properties.code;
        if (!seen[code]) { seen[code] = true; codes.push(code); }
      });
      if (view.opts.onSelect) view.opts.onSelect(view.level, codes);
    };
    canvas.addEventListener("mousedown", function (e) {
      if (!e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      e.stopPropagation();
      map.dragPan.disable();
      start = point(e);
      box = div(container, "map-select-box");
      document.addEventListener("mousemove", move);
      document.addEventListener("mouseup", up);
    }, true);
  }

  function Overlays(view, container) {
    this.legend = new Legend(container);
    this.labels = new Labels(view, container);
    this.hover = new HoverCard(view, container);
    this.select = new SelectBox(view, container);
    div(container, "map-attribution", view.look.attribution || "");
  }

  G.mapoverlay = { Overlays: Overlays };
})(typeof self !== "undefined" ? self : this);
