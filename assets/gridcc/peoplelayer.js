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

  // The radius of a dot in CSS pixels at `zoom` (look.radius: [[zoom, px], [zoom, px]]),
  // times `scale` (the page's line scale: larger on a wall-sized screen).
  function radius(look, zoom, scale) {
    var a = look.radius[0], b = look.radius[1];
    var t = Math.max(0, Math.min(1, (zoom - a[0]) / (b[0] - a[0])));
    return (a[1] + (b[1] - a[1]) * t) * scale;
  }

  // ---- in the browser ------------------------------------------------------------------
  // The dots on a 2D canvas over a WallMap's view (map.js), not in the MapLibre style: a
  // dot that moves redraws this canvas (1,000 arcs, a few ms) and never the map's WebGL
  // scene of 1,000-10,000 cells (bench/positions.py measured the page's frame rate fall to
  // a quarter when the dots were a GeoJSON layer). Names as HTML beside the dots from
  // look.labelZoom on (no glyphs to fetch), at most look.maxLabels.
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
    this.drawn = 0;       // dots on the map at the last draw
    this.onScreen = [];   // [id, stale, x, y] of the dots drawn in view (tests read it)
  }

  Layer.prototype.attach = function () {
    var self = this, view = this.wallMap.view;
    if (!view) return;
    var add = function () { self.add(view); };
    if (view.ready) add(); else view.map.once("load", add);
  };

  Layer.prototype.add = function (view) {
    var map = view.map, self = this, doc = root_document(), container = map.getContainer();
    this.view = view;
    this.scale = view.lineScale();
    this.canvas = doc.createElement("canvas");
    this.canvas.className = "people-dots";
    container.appendChild(this.canvas);
    this.labelsEl = doc.createElement("div");
    this.labelsEl.className = "people-labels";
    container.appendChild(this.labelsEl);
    map.on("move", function () { self.queue(); });
    map.on("resize", function () { self.queue(); });
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
    var now = this.nowMs(), map = this.view.map, look = this.look, c = look.colors;
    this.key = this.people.expire(now);
    var data = this.data = this.people.features(now);
    this.drawn = data.features.length;
    var canvas = this.canvas, box = map.getContainer(), ratio = root_window().devicePixelRatio || 1;
    var w = box.clientWidth, h = box.clientHeight;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
      canvas.style.width = w + "px";
      canvas.style.height = h + "px";
    }
    // A canvas kept in memory and drawn by the CPU: a GPU canvas cost the software-rendered
    // (SwiftShader) wall a tenth of its frames for 2-3 redraws a second (bench/positions.py).
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    var r = radius(look, map.getZoom(), this.scale), seen = [];
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    // Stale dots first, so a fresh one is never hidden under them.
    [true, false].forEach(function (stale) {
      ctx.fillStyle = stale ? c.stale : c.fresh;
      ctx.globalAlpha = stale ? 0.6 : 1;
      ctx.strokeStyle = c.ring;
      ctx.lineWidth = stale ? 0.5 : Math.min(1.5, r / 3);  // a thin ring on a small dot
      data.features.forEach(function (f) {
        if (f.properties.stale !== stale) return;
        var p = map.project(f.geometry.coordinates);
        if (p.x < -r || p.y < -r || p.x > w + r || p.y > h + r) return;
        ctx.beginPath();
        ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
        seen.push([f.properties.id, stale, p.x, p.y]);
      });
    });
    ctx.globalAlpha = 1;
    this.onScreen = seen;
    this.placeLabels(seen, map.getZoom());
  };

  Layer.prototype.placeLabels = function (seen, zoom) {
    var el = this.labelsEl, look = this.look, doc = root_document(), names = {};
    el.textContent = "";
    if (zoom < look.labelZoom) return;
    this.data.features.forEach(function (f) { names[f.properties.id] = f.properties.name; });
    seen.slice(0, look.maxLabels).forEach(function (d) {
      var label = doc.createElement("div");
      label.className = "people-label" + (d[1] ? " stale" : "");
      label.textContent = names[d[0]];
      label.style.transform = "translate(" + (d[2] + 8).toFixed(1) + "px," + (d[3] - 8).toFixed(1) + "px)";
      el.appendChild(label);
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

  return { People: People, radius: radius, coverageLevel: coverageLevel, Coverage: Coverage, Layer: Layer, wire: wire };
});
