/* gridcc casemap: the case view's small map. One MapLibre map per case view, made once and
 * kept (a WebGL context is dear): the district's outline, the grid's cells drawn faintly,
 * the case's cell highlighted and its point. No tiles unless the page has them; the cells
 * come from the grid's own GeoJSON (read once per page, shared by every case view). Not
 * interactive: it shows where, and never takes the keyboard from the desk. */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};
  var indexes = {};  // cells' URL → promise of {cells: FeatureCollection, byCode: {code: feature}}

  function cellIndex(url) {
    if (!indexes[url]) {
      indexes[url] = G.http.get(url).then(function (fc) {
        var byCode = {};
        (fc.features || []).forEach(function (f) { byCode[f.properties.code] = f; });
        return { cells: fc, byCode: byCode };
      }, function (err) { delete indexes[url]; throw err; });
    }
    return indexes[url];
  }

  function collection(features) { return { type: "FeatureCollection", features: features }; }

  // look: cfg.map (dashboard/wall.py map_config); cellUrl: the cells' GeoJSON
  function CaseMap(look, cellUrl) {
    this.look = look;
    this.cellUrl = cellUrl;
    this.node = root.document.createElement("div");
    this.node.className = "cv-map";
    this.map = null;
    this.loaded = false;
    this.want = null;
    this.hasCells = false;
    this.drawn = null;
  }

  // Put the map into `parent` (the view re-renders around it; the map itself stays).
  CaseMap.prototype.attach = function (parent) {
    parent.appendChild(this.node);
    if (!root.maplibregl) return;
    if (!this.map) this.create();
    else this.map.resize();
  };

  CaseMap.prototype.create = function () {
    var self = this, look = this.look, b = look.bounds;
    var map = this.map = new root.maplibregl.Map({
      container: this.node, style: JSON.parse(JSON.stringify(look.style)),
      bounds: [[b[0], b[1]], [b[2], b[3]]], interactive: false, attributionControl: false,
      fadeDuration: 0, renderWorldCopies: false
    });
    map.on("load", function () {
      var c = look.colors;
      if (look.tileUrl) {
        map.addSource("tiles", { type: "raster", tiles: [look.tileUrl], tileSize: 256 });
        map.addLayer({ id: "tiles", type: "raster", source: "tiles" });
      }
      ["cells", "cell", "point"].forEach(function (name) {
        map.addSource(name, { type: "geojson", data: collection([]) });
      });
      map.addSource("outline", { type: "geojson", data: look.outlineUrl });
      map.addLayer({ id: "cells", type: "line", source: "cells",
        paint: { "line-color": c.border, "line-width": 0.6 } });
      map.addLayer({ id: "cell-fill", type: "fill", source: "cell",
        paint: { "fill-color": c.selected, "fill-opacity": 0.22 } });
      map.addLayer({ id: "cell-line", type: "line", source: "cell",
        paint: { "line-color": c.selected, "line-width": 2.5 } });
      map.addLayer({ id: "outline", type: "line", source: "outline",
        paint: { "line-color": c.outline, "line-width": 1.5 } });
      map.addLayer({ id: "point", type: "circle", source: "point",
        paint: { "circle-radius": 6, "circle-color": c.label, "circle-stroke-color": c.selected,
          "circle-stroke-width": 3 } });
      self.loaded = true;
      if (self.want) self.show(self.want);
    });
  };

  // Show the case's cell and point; sheet: {cell, lon, lat}.
  CaseMap.prototype.show = function (sheet) {
    var self = this;
    this.want = sheet;
    this.drawn = null;
    if (!this.loaded) return Promise.resolve(false);
    return cellIndex(this.cellUrl).then(function (index) {
      if (self.want !== sheet) return false;
      var map = self.map, feature = index.byCode[sheet.cell];
      if (!self.hasCells) { map.getSource("cells").setData(index.cells); self.hasCells = true; }
      map.getSource("cell").setData(collection(feature ? [feature] : []));
      var at = typeof sheet.lon === "number" && typeof sheet.lat === "number" ? [sheet.lon, sheet.lat] : null;
      map.getSource("point").setData(collection(at ? [{ type: "Feature", properties: {},
        geometry: { type: "Point", coordinates: at } }] : []));
      var box = G.casefmt.bbox(feature && feature.geometry, at);
      if (box) {
        // the cell and a cell's width around it: enough of its neighbours to place it
        var w = Math.max(box[2] - box[0], 0.002), hgt = Math.max(box[3] - box[1], 0.002);
        map.fitBounds([[box[0] - w, box[1] - hgt], [box[2] + w, box[3] + hgt]],
          { padding: 8, duration: 0, maxZoom: 17 });
      }
      // Read by the browser tests: the case whose place the map has finished drawing.
      map.once("idle", function () { if (self.want === sheet) self.drawn = sheet.id; });
      map.triggerRepaint();
      return true;
    }).catch(function () { return false; });
  };

  G.casemap = { CaseMap: CaseMap, cellIndex: cellIndex };
})(typeof window !== "undefined" ? window : this);
