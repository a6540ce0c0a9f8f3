/* The map's colours (assets/gridcc/mapcolor.js) from the config's scales, never a copy. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const C = require("../../assets/gridcc/mapcolor.js");

// The look the server sends (dashboard/figures.py map_look), asked from Python when it is
// there; otherwise a stand-in of the same shape.
function serverLook() {
  const python = path.join(__dirname, "..", "..", ".venv", "bin", "python");
  try {
    const code = "import json; from dashboard.figures import map_look; from dashboard.i18n import labels;"
      + " print(json.dumps(map_look(labels('zh'))))";
    return JSON.parse(execFileSync(python, ["-c", code], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" }));
  } catch (e) {
    return {
      colors: { muted: "#2a3440" },
      modes: {
        load: { title: "在办数", hover: "在办", none: "#152536", max: 8,
          ramp: [[0, "#2f8fdc"], [0.25, "#27c2b0"], [0.5, "#f2c14e"], [0.75, "#f3812f"], [1, "#e8393a"]] },
        risk: { title: "风险", hover: "风险", colors: ["#152536", "#2f9e6e", "#e0b341", "#f3812f", "#e8393a"],
          words: ["无在办", "正常", "关注", "即将超时", "已超时"] }
      }
    };
  }
}

const look = serverLook();
const load = look.modes.load, risk = look.modes.risk;

test("no open case keeps the 'none' colour; the top of the scale is the ramp's last colour", () => {
  assert.equal(C.colorOf(look, "load", 8, 0), load.none);
  assert.equal(C.colorOf(look, "load", 8, 8), load.ramp[load.ramp.length - 1][1]);
  assert.equal(C.colorOf(look, "load", 8, 50), load.ramp[load.ramp.length - 1][1]);
  assert.notEqual(C.colorOf(look, "load", 8, 1), load.none);
});

test("the load scale stretches to the largest value shown, never below its maximum", () => {
  assert.equal(C.loadTop(look, [0, 3, 2]), load.max);
  assert.equal(C.loadTop(look, [0, 30, 2]), 30);
  const stops = C.loadStops(look, 30).map((s) => s[0]);
  assert.deepEqual([...stops].sort((a, b) => a - b), stops);
  assert.equal(stops[stops.length - 1], 30);
  assert.equal(C.colorOf(look, "load", 30, 8) === C.colorOf(look, "load", 8, 8), false);
});

test("the paint expressions use the config's colours and the feature-state value", () => {
  const l = JSON.stringify(C.fillColor(look, "load", 8));
  for (const [, color] of load.ramp) assert.ok(l.includes(color), color);
  assert.ok(l.includes(load.none) && l.includes('"feature-state","value"'));
  const r = C.fillColor(look, "risk", 0);
  const match = r[r.length - 1];
  assert.equal(match[0], "match");
  risk.colors.forEach((c, i) => {
    if (i) assert.equal(match[match.indexOf(i) + 1], c);
  });
  assert.equal(match[match.length - 1], risk.colors[0]);
  // A filtered-out shape is greyed whatever its value.
  assert.deepEqual(r.slice(0, 3), ["case", ["boolean", ["feature-state", "muted"], false], look.colors.muted]);
});

test("risk colours and words are one per level, as the counters say them", () => {
  risk.colors.forEach((c, i) => assert.equal(C.colorOf(look, "risk", 0, i), c));
  const legend = C.legend(look, "risk", 0);
  assert.deepEqual(legend.swatches.map((s) => s.label), risk.words);
  assert.equal(C.describe(look, "risk", 4), risk.hover + " " + risk.words[4]);
  assert.equal(C.describe(look, "load", 3), load.hover + " 3");
});

test("the load legend runs from 0 to the scale's top", () => {
  const legend = C.legend(look, "load", 12);
  assert.deepEqual(legend.ticks, [0, 6, 12]);
  assert.ok(legend.gradient.startsWith("linear-gradient(to right, " + load.none + " 0%"));
  assert.ok(legend.gradient.endsWith(load.ramp[load.ramp.length - 1][1] + " 100.00%)"));
});

// WCAG contrast ratio of two "#rrggbb" colours (1: the same, 21: black on white).
function contrast(a, b) {
  const lum = (hex) => {
    const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test("one open case stands out from none, however high the scale's top", () => {
  for (const top of [load.max, 20, 60]) {
    const one = C.colorOf(look, "load", top, 1);
    assert.ok(contrast(one, load.none) >= 4, `1 case at top ${top}: ${one} on ${load.none}`);
  }
  // and "none" itself is a shape, not the background behind the district
  assert.ok(contrast(load.none, "#0b1420") > 1.1);
});
