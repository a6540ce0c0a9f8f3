/* gridcc people layer: the people on patrol as dots on the live map (the wall and the lead's
 * map share one MapLibre view, mapview.js), their names beside them when zoomed in, and the
 * map mode "patrol coverage today" (cells patrolled / not yet).
 *
 * The server sends the socket event `positions` (dashboard/positions_hub.py) only to screens
 * that may see positions: {full, at, put: [{id, name, lon, lat, at, cell}], gone: [id]}, at
 * most one a second. A dot older than cfg.people.staleS looks stale; older than maxAgeS it
 * goes, here too (a frame lost with the connection takes no one off otherwise). Thresholds,
 * colours and words come from the page's config (cfg.people, cfg.map.modes.patrol).
 *
 * Pure parts (People, coverageLevel, Coverage) are tested with node (tests/js/peoplelayer.test.js).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.peoplelayer = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var SOURCE = "people";

  // The people on the map: the last row of each, kept as the frames say.
  function People(look) {
    this.look = look; // cfg.people: maxAgeS, staleS
    this.rows = {};
  }

  // Apply one frame; returns whether anything shown may have changed.
  People.prototype.apply = function (frame) {
    if (!frame) return false;
    var rows = this.rows, changed = false;
    if (frame.full) {
      changed = Object.keys(rows).length > 0 || (frame.put || []).length > 0;
      rows = this.rows = {};
    }
    (frame.put || []).forEach(function (r) {
      var held = rows[r.id];
      if (!held || held.at <= r.at) { rows[r.id] = r; changed = true; }
    });
    (frame.gone || []).forEach(function (id) {
      if (rows[id]) { delete rows[id]; changed = true; }
    });
    return changed;
  };

  // How a row looks at `nowMs` (the server's clock): "fresh", "stale" or "gone".
  People.prototype.ageOf = function (row, nowMs) {
    var age = (nowMs - row.at) / 1000;
    if (age > this.look.maxAgeS) return "gone";
    return age > this.look.staleS ? "stale" : "fresh";
  };

  // Forget the rows past maxAgeS; returns a key of what is shown (same key: nothing to redraw).
  People.prototype.expire = function (nowMs) {
    var self = this, key = [];
    Object.keys(this.rows).sort().forEach(function (id) {
      var look = self.ageOf(self.rows[id], nowMs);
      if (look === "gone") delete self.rows[id];
      else key.push(id + (look === "stale" ? "~" : ""));
    });
    return key.join(",");
  };

  // The dots as GeoJSON (rows past maxAgeS left out); `stale` for the stale look.
  People.prototype.features = function (nowMs) {
    var self = this, out = [];
    Object.keys(this.rows).sort().forEach(function (id) {
      var r = self.rows[id], look = self.ageOf(r, nowMs);
      if (look === "gone") return;
      out.push({ type: "Feature",
        geometry: { type: "Point", coordinates: [r.lon, r.lat] },
        properties: { id: r.id, name: r.name, stale: look === "stale" } });
    });
    return { type: "FeatureCollection", features: out };
  };

  People.prototype.count = function () { return Object.keys(this.rows).length; };

  // What changed between the dots drawn (`drawn`: id -> key) and `fc` (features()): the
  // features to add or replace, the ids to remove, and the new `drawn`. The map is given only
  // these (GeoJSONSource.updateData): 1,000 workers every 30 s change ~17 dots a frame.
  function featureDiff(drawn, fc) {
    var next = {}, add = [], remove = [];
    fc.features.forEach(function (f) {
      var p = f.properties, key = f.geometry.coordinates.join(",") + "|" + p.stale + "|" + p.name;
      next[p.id] = key;
      if (drawn[p.id] !== key) add.push(f);
    });
    Object.keys(drawn).forEach(function (id) { if (!(id in next)) remove.push(id); });
    return { add: add, remove: remove, drawn: next };
  }

  // Coverage of a level's shapes from per-cell values (0 not yet, 2 patrolled): 0 when none
  // of its cells was patrolled, 2 when all were, 1 for some. ofCell null: the cells themselves.
  function coverageLevel(perCell, ofCell, count) {
    if (!ofCell) return perCell.slice();
    var cells = new Array(count).fill(0), done = new Array(count).fill(0);
    for (var i = 0; i < perCell.length; i++) {
      cells[ofCell[i]] += 1;
      if (perCell[i]) done[ofCell[i]] += 1;
    }
    return cells.map(function (n, j) { return done[j] === 0 ? 0 : (done[j] === n ? 2 : 1); });
  }

  // Which cells were patrolled today: the server's answer (GET coverageUrl), plus the cells of
  // positions heard since (a patrol records the cell it is in). A new local day starts empty.
  function Coverage() { this.cells = {}; this.day = null; }

  Coverage.prototype.load = function (body) {
    var cells = {}, changed = body.day !== this.day;
    Object.keys(body.cells || {}).forEach(function (c) { cells[c] = true; });
    if (!changed) {
      var before = Object.keys(this.cells).sort().join(), after = Object.keys(cells).sort().join();
      changed = before !== after;
    }
    this.day = body.day;
    this.cells = cells;
    return changed;
  };

  // Rows of a positions frame with their cell: returns whether a cell became patrolled.
  Coverage.prototype.heard = function (rows) {
    var cells = this.cells, changed = false;
    (rows || []).forEach(function (r) {
      if (r.cell && !cells[r.cell]) { cells[r.cell] = true; changed = true; }
    });
    return changed;
  };

  Coverage.prototype.values = function (codes) {
    var cells = this.cells;
    return codes.map(function (c) { return cells[c] ? 2 : 0; });
  };

  // ---- in the browser ------------------------------------------------------------------
  // The dots' layer on a WallMap (map.js) once its view is drawn; names as HTML beside the
  // dots from cfg.people.labelZoom on (no glyphs to fetch), at most cfg.people.maxLabels.
  function Layer(wallMap, look, nowMs) {
    this.wallMap = wallMap;
    this.look = look;
    this.nowMs = nowMs;
    this.people = new People(look);
    this.key = "";
    this.queued = false;
    this.added = false;
    this.frames = 0;      // frames heard (the browser tests and the bench read these)
    this.lastFrameAt = 0; // Date.now() at the last frame heard
    this.drawn = 0;       // dots drawn at the last draw
  }

  Layer.prototype.attach = function () {
    var self = this, view = this.wallMap.view;
    if (!view) return;
    var add = function () { self.add(view); };
    if (view.ready) add(); else view.map.once("load", add);
  };

  Layer.prototype.add = function (view) {
    var map = view.map, c = this.look.colors, self = this, stale = ["get", "stale"];
    var k = view.lineScale(); // larger on a wall-sized screen, as the map's lines
    var first = this.people.features(this.nowMs());
    map.addSource(SOURCE, { type: "geojson", data: first, promoteId: "id" });
    this.drawnKeys = featureDiff({}, first).drawn;
    map.addLayer({ id: "people", type: "circle", source: SOURCE, paint: {
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 10, 4.5 * k, 15, 8 * k],
      "circle-color": ["case", stale, c.stale, c.fresh],
      "circle-opacity": ["case", stale, 0.55, 1],
      "circle-stroke-color": c.ring,
      "circle-stroke-width": ["case", stale, 0.5 * k, 1.5 * k]
    } });
    var container = map.getContainer();
    this.labelsEl = root_document().createElement("div");
    this.labelsEl.className = "people-labels";
    container.appendChild(this.labelsEl);
    map.on("move", function () { self.placeLabels(); });
    this.view = view;
    this.added = true;
    this.draw();
  };

  Layer.prototype.heard = function (frame) {
    this.frames += 1;
    this.lastFrameAt = Date.now();
    if (this.people.apply(frame)) this.queue();
  };

  // Once a second: the stale look and the removal past maxAgeS, without waiting for a frame.
  Layer.prototype.tick = function () {
    var key = this.people.expire(this.nowMs());
    if (key !== this.key) this.queue();
  };

  Layer.prototype.queue = function () {
    var self = this;
    if (this.queued) return;
    this.queued = true;
    root_window().requestAnimationFrame(function () { self.queued = false; self.draw(); });
  };

  Layer.prototype.draw = function () {
    if (!this.added) return;
    var now = this.nowMs();
    this.key = this.people.expire(now);
    var data = this.people.features(now), diff = featureDiff(this.drawnKeys, data);
    this.drawn = data.features.length;
    var source = this.view.map.getSource(SOURCE);
    if (source && (diff.add.length || diff.remove.length)) {
      try { source.updateData({ add: diff.add, remove: diff.remove }); } catch (e) { source.setData(data); }
    }
    this.drawnKeys = diff.drawn;
    this.data = data;
    this.placeLabels();
  };

  Layer.prototype.placeLabels = function () {
    var el = this.labelsEl, map = this.view && this.view.map, look = this.look;
    if (!el || !this.data) return;
    el.textContent = "";
    if (map.getZoom() < look.labelZoom) return;
    var w = map.getContainer().clientWidth, h = map.getContainer().clientHeight, shown = 0;
    this.data.features.some(function (f) {
      var p = map.project(f.geometry.coordinates);
      if (p.x < 0 || p.y < 0 || p.x > w || p.y > h) return false;
      var d = root_document().createElement("div");
      d.className = "people-label" + (f.properties.stale ? " stale" : "");
      d.textContent = f.properties.name;
      d.style.transform = "translate(" + (p.x + 8).toFixed(1) + "px," + (p.y - 8).toFixed(1) + "px)";
      el.appendChild(d);
      shown += 1;
      return shown >= look.maxLabels;
    });
  };

  function root_window() { return typeof window !== "undefined" ? window : globalThis; }
  function root_document() { return root_window().document; }

  // Wire the people on a page's live map: cfg the page's config (cfg.people null: this screen
  // may not see positions — nothing is drawn), wallMap its map.js WallMap (attached), socket
  // its socket.io client, nowMs() the server's clock, onCoverage() when coverage changed.
  function wire(cfg, wallMap, socket, nowMs, onCoverage) {
    var win = root_window(), look = cfg.people, mode = cfg.map.modes.patrol;
    var out = { layer: null, coverage: new Coverage(), mode: mode ? "patrol" : null };
    if (mode && mode.url) {
      var refresh = function () {
        win.fetch(mode.url, { cache: "no-store" }).then(function (r) {
          if (!r.ok) throw new Error("coverage " + r.status);
          return r.json();
        }).then(function (body) {
          if (out.coverage.load(body) && onCoverage) onCoverage();
        }, function () { /* asked again on the next refresh */ });
      };
      refresh();
      win.setInterval(refresh, mode.refreshMs);
      out.refresh = refresh;
    }
    if (look && socket) {
      var layer = out.layer = new Layer(wallMap, look, nowMs);
      socket.on("positions", function (frame) {
        layer.heard(frame);
        if (frame && out.coverage.heard(frame.put) && onCoverage) onCoverage();
      });
      layer.attach();
      win.setInterval(function () { layer.tick(); }, 1000);
    }
    return out;
  }

  return { People: People, featureDiff: featureDiff, coverageLevel: coverageLevel, Coverage: Coverage, Layer: Layer, wire: wire };
});
