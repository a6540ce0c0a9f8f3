/* gridcc map colours: the page config's colour scales (dashboard/figures.py map_look) as
 * MapLibre paint expressions, legend entries and words. Pure: no DOM, no MapLibre; tested
 * with node (tests/js/mapcolor.test.js). No colour is written here: all come from `look`.
 *
 * A shape's value lives in its feature-state `value`: open cases (load mode) or a risk
 * level index (risk mode). `muted` (a filter greys it out) wins over every colour.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.mapcolor = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var VALUE = ["coalesce", ["feature-state", "value"], 0];
  var FIRST = 0.5; // the load ramp starts at half a case: zero keeps the "none" colour

  // The load scale's top: its configured maximum, or the largest value shown when higher.
  function loadTop(look, values) {
    var top = look.modes.load.max;
    for (var i = 0; i < values.length; i++) if (values[i] > top) top = values[i];
    return top;
  }

  // [value, colour] stops of the load ramp for a scale whose top is `top`, ascending.
  function loadStops(look, top) {
    var stops = [], last = -Infinity;
    look.modes.load.ramp.forEach(function (s) {
      var at = Math.max(FIRST, s[0] * top);
      if (at <= last) at = last + 1e-6;
      stops.push([at, s[1]]);
      last = at;
    });
    return stops;
  }

  // The fill-color expression of a mode (`top`: the load scale's top; unused for risk).
  function fillColor(look, mode, top) {
    var m = look.modes[mode], color;
    if (mode === "load") {
      var ramp = ["interpolate", ["linear"], VALUE];
      loadStops(look, top).forEach(function (s) { ramp.push(s[0], s[1]); });
      color = ["case", ["<", VALUE, FIRST], m.none, ramp];
    } else {
      color = ["match", VALUE];
      m.colors.forEach(function (c, i) { if (i) color.push(i, c); });
      color.push(m.colors[0]);
    }
    return ["case", ["boolean", ["feature-state", "muted"], false], look.colors.muted, color];
  }

  function hex(c) {
    var n = parseInt(c.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function toHex(rgb) {
    return "#" + rgb.map(function (v) {
      var s = Math.round(v).toString(16);
      return s.length < 2 ? "0" + s : s;
    }).join("");
  }

  // The colour a value gets (as the expression above computes it; for tests and legends).
  function colorOf(look, mode, top, value) {
    var m = look.modes[mode];
    if (mode !== "load") return m.colors[value] || m.colors[0];
    if (!(value >= FIRST)) return m.none;
    var stops = loadStops(look, top);
    if (value <= stops[0][0]) return stops[0][1];
    for (var i = 1; i < stops.length; i++) {
      if (value <= stops[i][0]) {
        var a = stops[i - 1], b = stops[i], t = (value - a[0]) / (b[0] - a[0]);
        var x = hex(a[1]), y = hex(b[1]);
        return toHex(x.map(function (v, k) { return v + (y[k] - v) * t; }));
      }
    }
    return stops[stops.length - 1][1];
  }

  // What the legend shows: risk levels as swatches with their words; the load scale as a
  // gradient from 0 to its top with a few whole-number ticks.
  function legend(look, mode, top) {
    var m = look.modes[mode];
    if (mode !== "load") {
      return { title: m.title, swatches: m.colors.map(function (c, i) { return { color: c, label: m.words[i] }; }) };
    }
    var css = [m.none + " 0%", m.none + " " + pct(FIRST / top)];
    loadStops(look, top).forEach(function (s) { css.push(s[1] + " " + pct(s[0] / top)); });
    var ticks = [0, Math.round(top / 2), top].filter(function (v, i, a) { return a.indexOf(v) === i; });
    return { title: m.title, gradient: "linear-gradient(to right, " + css.join(", ") + ")", ticks: ticks, top: top };
  }

  function pct(f) { return (Math.min(1, Math.max(0, f)) * 100).toFixed(2) + "%"; }

  // A value in words, for the hover card: "在办 3" or "风险 预警".
  function describe(look, mode, value) {
    var m = look.modes[mode];
    if (mode === "load") return m.hover + " " + value;
    return m.hover + " " + (m.words[value] || m.words[0]);
  }

  return { loadTop: loadTop, loadStops: loadStops, fillColor: fillColor, colorOf: colorOf,
    legend: legend, describe: describe };
});
