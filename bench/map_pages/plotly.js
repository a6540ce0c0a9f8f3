/* The baseline: the wall's map as it was at commit 3d54d77 (assets/gridcc/map.js and
 * dashboard/figures.py load_map), kept here so the bench still has it once the wall moves on.
 *
 * A Plotly Choroplethmap of the cells (GeoJSON by URL, featureidkey "id"), recoloured with
 * Plotly.restyle of the whole z array; one paint in flight, changes merged meanwhile (the
 * wall's MapView.paint / afterPaint, load mode at cell level, where a paint sends only z).
 */
(function () {
  "use strict";

  var LOAD_COLORSCALE = [
    [0.0, "#16283a"], [0.0625, "#16283a"], [0.0626, "#1f6f8b"], [0.25, "#2aa198"],
    [0.45, "#e0b341"], [0.7, "#f07f2e"], [1.0, "#e3342f"],
  ];
  var BACKGROUND = "#0b1420";

  function PlotlyView() {
    this.gd = null;
    this.values = null;
    this.painting = false;
    this.dirty = false;
  }

  PlotlyView.prototype.load = async function (cfg, values, params) {
    this.values = values;
    var meta = await (await fetch(params.get("plotly"))).json();  // codes and names, as the figure has
    var trace = {
      type: "choroplethmap",
      geojson: cfg.cellsUrl,
      featureidkey: "id",
      locations: meta.codes,
      z: Array.from(values),
      customdata: meta.names,
      zmin: 0, zmax: 8,
      colorscale: LOAD_COLORSCALE,
      marker: { line: { width: 0.4, color: "#35526e" }, opacity: 0.92 },
      colorbar: {
        title: { text: "open cases", font: { color: "#c9d6e3" } }, tickfont: { color: "#c9d6e3" },
        thickness: 12, len: 0.5, x: 0.99, xanchor: "right", bgcolor: "rgba(11,20,32,0.6)",
        ticklabelposition: "outside bottom",
      },
      hovertemplate: "%{customdata}<br>%{location}<br>open %{z}<extra></extra>",
    };
    var layout = {
      map: {
        style: { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": BACKGROUND } }] },
        center: { lon: cfg.center[0], lat: cfg.center[1] }, zoom: cfg.zoom,
      },
      margin: { l: 0, r: 0, t: 0, b: 0 }, paper_bgcolor: BACKGROUND, plot_bgcolor: BACKGROUND,
      uirevision: "wall",
    };
    this.gd = document.getElementById("map");
    await window.Plotly.newPlot(this.gd, [trace], layout, { displayModeBar: false, scrollZoom: true, responsive: true });
  };

  PlotlyView.prototype.changed = function () { this.dirty = true; this.schedule(); };

  PlotlyView.prototype.schedule = function () {
    var self = this;
    if (!this.painting) window.requestAnimationFrame(function () { self.paint(); });
  };

  PlotlyView.prototype.paint = function () {
    if (!this.gd || this.painting || !this.dirty) return;
    var update = { z: [Array.from(this.values)] };
    var token = window.bench.paintBegin(), bytes = JSON.stringify(update.z[0]).length;
    var self = this;
    var done = function () { window.bench.paintEnd(token, bytes).then(function () { self.afterPaint(); }); };
    this.painting = true;
    this.dirty = false;
    window.Plotly.restyle(this.gd, update, [0]).then(done, done);
  };

  PlotlyView.prototype.afterPaint = function () {
    this.painting = false;
    if (this.dirty) this.schedule();
  };

  PlotlyView.prototype.painted = function () { return this.gd.data[0].z; };

  window.bench.start(new PlotlyView());
})();
