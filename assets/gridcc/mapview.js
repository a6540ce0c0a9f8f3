/* gridcc map view: one MapLibre map for every page (wall, lead, liaison).
 *
 * Each level's shapes are loaded once, by URL, as a GeoJSON source whose features are
 * known by their code (promoteId); a level change only toggles its layers' visibility. A
 * shape's colour, selection, filter and hover are its feature-state, so a recolour touches
 * only the shapes whose value changed (shared/notes/measurements-2026-11-29.md); one paint
 * is in flight at a time and changes meanwhile are merged into the next (mapdiff.Pacer).
 * Nothing is fetched from outside: a blank style, no glyphs, labels as HTML (mapoverlay.js).
 */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};
  var LOG_CAP = 500;

  // look: cfg.map (dashboard/wall.py map_config); levels: cfg.levels; opts: stats,
  // valuesOf(level, mode), seqOf(), watchdogMs, onClick(level, code, name), onSelect(level, codes)
  function MapView(container, look, levels, opts) {
    var D = G.mapdiff, self = this;
    this.look = look;
    this.levels = levels;
    this.opts = opts;
    this.stats = opts.stats;
    this.stats.paints = this.stats.paints || 0;
    this.stats.paintedSeq = 0;
    this.stats.paintLog = [];
    this.mode = "load";
    this.level = "cell";
    this.top = {};          // level -> the load scale's top its fill layer was painted with
    this.painted = {};      // level -> code -> value in its feature-state
    this.selected = new Set();  // codes highlighted, of selectedLevel
    this.selectedLevel = null;
    this.muted = {};        // level -> Set of codes greyed out by the filter
    this.predicate = null;
    this.ready = false;
    this.pacer = new D.Pacer({
      draw: function (done) { return self.draw(done); },
      later: function (fn) { root.requestAnimationFrame(fn); },
      reset: function () { self.painted = {}; self.top = {}; }
    }, opts.watchdogMs || 10000);
    var b = look.bounds;
    this.bounds = [[b[0], b[1]], [b[2], b[3]]];
    this.userMoved = false; // someone zoomed or panned: a resize no longer refits
    var map = this.map = new root.maplibregl.Map({
      container: container, style: JSON.parse(JSON.stringify(look.style)),
      bounds: this.bounds, fitBoundsOptions: { padding: this.padding(container) },
      attributionControl: false, dragRotate: false, pitchWithRotate: false, touchPitch: false,
      boxZoom: false, renderWorldCopies: false, fadeDuration: 0, maxZoom: 18
    });
    map.touchZoomRotate.disableRotation();
    this.overlays = new G.mapoverlay.Overlays(this, container);
    map.on("load", function () { self.build(); });
    // The district fills its panel at any screen size, until someone moves the map.
    map.on("movestart", function (e) { if (e.originalEvent) self.userMoved = true; });
    map.on("resize", function () { if (!self.userMoved) self.fit(); });
  }

  // A margin around the district: a few percent of the panel, so it fills any screen.
  MapView.prototype.padding = function (container) {
    return Math.round(0.03 * Math.min(container.clientWidth, container.clientHeight)) || 12;
  };

  MapView.prototype.fit = function () {
    this.map.fitBounds(this.bounds, { padding: this.padding(this.map.getContainer()), animate: false });
  };

  // Line widths grow with the page's root font size (wall.css): 1 at 16 px.
  MapView.prototype.lineScale = function () {
    var px = parseFloat(root.getComputedStyle(document.documentElement).fontSize) || 16;
    return Math.max(1, px / 16);
  };

  MapView.prototype.build = function () {
    var map = this.map, look = this.look;
    if (look.tileUrl) {
      map.addSource("tiles", { type: "raster", tiles: [look.tileUrl], tileSize: 256 });
      map.addLayer({ id: "tiles", type: "raster", source: "tiles" });
    }
    map.addSource("outline", { type: "geojson", data: look.outlineUrl });
    map.addLayer({ id: "outline", type: "line", source: "outline",
      paint: { "line-color": look.colors.outline, "line-width": 2 * this.lineScale() } });
    this.ready = true;
    this.show(this.level);
    this.pacer.changed();
  };

  MapView.prototype.fillId = function (level) { return "fill-" + (level || this.level); };

  // The level's source and layers, added the first time it is shown (below the outline).
  MapView.prototype.ensure = function (level) {
    var map = this.map, look = this.look, c = look.colors;
    if (map.getSource(level)) return;
    map.addSource(level, { type: "geojson", data: this.levels[level].url, promoteId: "code" });
    var flag = function (name) { return ["boolean", ["feature-state", name], false]; };
    // Hidden until shown (a context level's shapes are loaded for their borders only).
    var layout = { visibility: level === this.level ? "visible" : "none" };
    map.addLayer({ id: "fill-" + level, type: "fill", source: level, layout: layout, paint: {
      "fill-color": G.mapcolor.fillColor(look, this.mode, look.modes.load.max),
      "fill-opacity": ["case", flag("hover"), 1, look.tileUrl ? 0.75 : 0.92]
    } }, "outline");
    var k = this.lineScale();
    map.addLayer({ id: "line-" + level, type: "line", source: level, layout: layout, paint: {
      "line-color": ["case", flag("selected"), c.selected, flag("hover"), c.label, c.border],
      "line-width": ["case", flag("selected"), 3 * k, flag("hover"), 2 * k, (level === "cell" ? 0.5 : 1.2) * k]
    } }, "outline");
    this.painted[level] = {};
    this.top[level] = undefined; // the first paint sets the scale and draws the legend
    this.overlays.hover.bind(level);
    if (this.predicate) this.filter(this.predicate);
  };

  MapView.prototype.show = function (level) {
    if (!this.levels[level]) return;
    if (level !== this.level) this.select(null); // a selection is of one level's shapes
    this.level = level;
    if (!this.ready) return;
    this.ensure(level);
    var map = this.map, self = this;
    Object.keys(this.levels).forEach(function (name) {
      if (!map.getLayer("fill-" + name)) return;
      var vis = name === level ? "visible" : "none";
      map.setLayoutProperty("fill-" + name, "visibility", vis);
      map.setLayoutProperty("line-" + name, "visibility", vis);
    });
    this.context(level);
    this.overlays.labels.show(this.levels[level].labels);
    self.changed();
  };

  // Below the level shown, the borders of the context level's shapes (look.context: the
  // streets), so the cells and communities show which street they are in.
  MapView.prototype.context = function (level) {
    var map = this.map, ctx = this.look.context;
    if (!ctx || !this.levels[ctx]) return;
    var visible = level !== ctx ? "visible" : "none";
    if (visible === "none" && !map.getLayer("context")) return;
    this.ensure(ctx);
    if (!map.getLayer("context")) {
      map.addLayer({ id: "context", type: "line", source: ctx, paint: {
        "line-color": this.look.colors.context, "line-width": 1.6 * this.lineScale()
      } }, "outline");
    }
    map.setLayoutProperty("context", "visibility", visible);
  };

  MapView.prototype.setMode = function (mode) {
    if (!this.look.modes[mode]) return;
    this.mode = mode;
    this.top = {};
    this.changed();
  };

  MapView.prototype.changed = function () { this.pacer.changed(); };
  MapView.prototype.watchdog = function () { return this.pacer.watchdog(); };

  // One paint: the shapes whose value changed, and the colour scale when its top moved.
  MapView.prototype.draw = function (done) {
    if (!this.ready) return false;
    var map = this.map, level = this.level, C = G.mapcolor, look = this.look;
    var seq = this.opts.seqOf(), values = this.opts.valuesOf(level, this.mode);
    var top = this.mode === "load" ? C.loadTop(look, values) : 0;
    var restyle = this.top[level] !== top;
    if (restyle) {
      map.setPaintProperty(this.fillId(level), "fill-color", C.fillColor(look, this.mode, top));
      this.top[level] = top;
      this.overlays.legend.render(C.legend(look, this.mode, top || look.modes.load.max));
    }
    var updates = G.mapdiff.diff(this.levels[level].codes, values, this.painted[level]);
    for (var i = 0; i < updates.length; i++) {
      map.setFeatureState({ source: level, id: updates[i][0] }, { value: updates[i][1] });
    }
    if (!updates.length && !restyle && this.stats.mapReadyAt !== null) return false;
    var self = this, started = performance.now();
    this.whenDrawn(function () { self.painted_(seq, started); done(); });
    return true;
  };

  // After the next frame that shows the change (and the shapes, on a level's first show).
  MapView.prototype.whenDrawn = function (fn) {
    var map = this.map;
    map.once("render", function () {
      if (map.areTilesLoaded()) fn();
      else map.once("idle", fn);
    });
    map.triggerRepaint();
  };

  MapView.prototype.painted_ = function (seq, started) {
    var s = this.stats, at = performance.now();
    s.paints += 1;
    s.paintedSeq = seq;
    if (s.mapReadyAt === null || s.mapReadyAt === undefined) s.mapReadyAt = at;
    G.mapdiff.record(s.paintLog, { seq: seq, at: performance.timeOrigin + at, ms: at - started }, LOG_CAP);
  };

  // What a shape shows, read back from the map itself (tests, the lead's card).
  MapView.prototype.valueOf = function (code, level) {
    level = level || this.level;
    if (!this.map.getSource(level)) return undefined;
    var st = this.map.getFeatureState({ source: level, id: code });
    return st && st.value !== undefined ? st.value : 0;
  };

  MapView.prototype.colorOf = function (code, level) {
    var top = this.top[level || this.level] || this.look.modes.load.max;
    return G.mapcolor.colorOf(this.look, this.mode, top, this.valueOf(code, level));
  };

  // Highlight these codes of the current level (null or []: none).
  MapView.prototype.select = function (codes) {
    var next = new Set(codes || []), map = this.map, level = this.selectedLevel || this.level;
    if (!this.ready || !map.getSource(this.level)) { this.selected = next; return; }
    if (level !== this.level) { this.flag(level, "selected", this.selected, new Set()); this.selected = new Set(); }
    this.flag(this.level, "selected", this.selected, next);
    this.selected = next;
    this.selectedLevel = next.size ? this.level : null;
  };

  // Set feature-state flag `name` on the shapes entering `next`, clear it on those leaving.
  MapView.prototype.flag = function (level, name, before, next) {
    var map = this.map;
    G.mapdiff.flagChanges(before, next).forEach(function (ch) {
      var state = {};
      state[name] = ch[1];
      map.setFeatureState({ source: level, id: ch[0] }, state);
    });
  };

  // Grey out the shapes for which predicate(level, code) is false (null: none greyed).
  MapView.prototype.filter = function (predicate) {
    this.predicate = predicate;
    var map = this.map, self = this;
    Object.keys(this.levels).forEach(function (level) {
      if (!self.ready || !map.getSource(level)) return;
      var out = predicate ? self.levels[level].codes.filter(function (c) { return !predicate(level, c); }) : [];
      var next = new Set(out);
      self.flag(level, "muted", self.muted[level] || new Set(), next);
      self.muted[level] = next;
    });
  };

  // Where (lon, lat) is on the page, in CSS pixels (e2e tests find a shape's pixels).
  MapView.prototype.pagePoint = function (lon, lat) {
    var r = this.map.getCanvas().getBoundingClientRect(), p = this.map.project([lon, lat]);
    return [r.left + p.x, r.top + p.y];
  };

  G.mapview = { MapView: MapView };
})(typeof self !== "undefined" ? self : this);
