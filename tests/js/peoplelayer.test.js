/* The people on the live map (assets/gridcc/peoplelayer.js) and the nearest people in the
 * case view (assets/gridcc/nearest.js): their pure parts, with the server's thresholds and
 * words (dashboard/people_map.py, dashboard/words_live.py) when Python is there. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const P = require("../../assets/gridcc/peoplelayer.js");
const N = require("../../assets/gridcc/nearest.js");

function fromServer() {
  const python = path.join(__dirname, "..", "..", ".venv", "bin", "python");
  try {
    const code = "import json; from dashboard.people_map import people_look, coverage_mode;"
      + " from dashboard.i18n import labels; w = labels('zh');"
      + " print(json.dumps({'look': people_look(), 'mode': coverage_mode(w), 'words': w}))";
    return JSON.parse(execFileSync(python, ["-c", code], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" }));
  } catch (e) {
    return {
      look: { maxAgeS: 30, staleS: 20, labelZoom: 14, maxLabels: 150, radius: [[10, 4.5], [15, 8]] },
      mode: { colors: ["#6b3440", "#c08a2d", "#2f9e6e"], words: ["未巡查", "部分巡查", "已巡查"] },
      words: { nearest_metres: "{m} 米", nearest_km: "{km} 公里", nearest_on_duty: "在岗",
        nearest_off_duty: "不在班", nearest_seen: "{s} 秒前" }
    };
  }
}

const SERVER = fromServer();
const LOOK = SERVER.look;
const NOW = 1_800_000_000_000;

function row(id, agoS, extra) {
  return Object.assign({ id: id, name: "网格员" + id, lon: 117.05, lat: 36.66, at: NOW - agoS * 1000, cell: "" }, extra || {});
}

test("the thresholds are the server's: stale before gone, gone at the 30 s of cases.positions", () => {
  assert.equal(LOOK.maxAgeS, 30);
  assert.ok(LOOK.staleS > 0 && LOOK.staleS < LOOK.maxAgeS);
});

test("a full frame replaces every dot; a frame puts, moves and takes off", () => {
  const people = new P.People(LOOK);
  assert.equal(people.apply({ full: true, put: [row("a", 1), row("b", 2)], gone: [] }), true);
  assert.equal(people.count(), 2);
  assert.equal(people.apply({ full: false, put: [row("a", 0, { lon: 117.06 })], gone: ["b"] }), true);
  assert.deepEqual(Object.keys(people.rows), ["a"]);
  assert.equal(people.rows.a.lon, 117.06);
  // An older position of the same person (a late frame) does not move them back.
  assert.equal(people.apply({ full: false, put: [row("a", 5, { lon: 117.01 })], gone: [] }), false);
  assert.equal(people.rows.a.lon, 117.06);
  assert.equal(people.apply({ full: false, put: [], gone: ["nobody"] }), false);
  assert.equal(people.apply({ full: true, put: [row("c", 1)], gone: [] }), true);
  assert.deepEqual(Object.keys(people.rows), ["c"]);
  assert.equal(people.apply(null), false);
});

test("a dot looks stale past staleS and goes past maxAgeS, without waiting for a frame", () => {
  const people = new P.People(LOOK);
  const s = LOOK.staleS, m = LOOK.maxAgeS;
  people.apply({ full: true, put: [row("fresh", 0), row("stale", s + 1), row("edge", m), row("gone", m + 1)], gone: [] });
  const fc = people.features(NOW);
  assert.equal(fc.type, "FeatureCollection");
  const shown = fc.features.map((f) => [f.properties.id, f.properties.stale]);
  assert.deepEqual(shown, [["edge", true], ["fresh", false], ["stale", true]]);
  assert.deepEqual(fc.features[1].geometry.coordinates, [117.05, 36.66]);
  assert.equal(fc.features[1].properties.name, "网格员fresh");
  assert.equal(people.expire(NOW), "edge~,fresh,stale~");
  assert.equal(people.count(), 3); // "gone" forgotten
  // Time passes: the fresh one turns stale, the others go; the key tells a redraw is due.
  assert.equal(people.expire(NOW + (s + 0.5) * 1000), "fresh~");
  assert.equal(people.expire(NOW + (m + 0.5) * 1000), "");
  assert.equal(people.count(), 0);
});

test("coverage of a level: none, some or all of its cells patrolled", () => {
  const cells = [2, 0, 2, 2, 0, 0];
  const ofCell = [0, 0, 1, 1, 2, 2];
  assert.deepEqual(P.coverageLevel(cells, ofCell, 3), [1, 2, 0]);
  assert.deepEqual(P.coverageLevel(cells, null, 6), cells);
  assert.deepEqual(P.coverageLevel([0, 0], [0, 0], 2), [0, 0]); // a shape with no cell: not yet
  // Three words and colours for the three values, from the server.
  assert.equal(SERVER.mode.colors.length, 3);
  assert.equal(SERVER.mode.words.length, 3);
});

test("coverage: the server's cells of today, plus cells heard in positions; a new day starts over", () => {
  const cov = new P.Coverage();
  assert.equal(cov.load({ day: "2026-11-30", cells: { A: "2026-11-30T08:00:00+08:00" } }), true);
  assert.deepEqual(cov.values(["A", "B", "C"]), [2, 0, 0]);
  assert.equal(cov.load({ day: "2026-11-30", cells: { A: "x" } }), false);
  assert.equal(cov.heard([row("p", 0, { cell: "B" }), row("q", 0)]), true);
  assert.equal(cov.heard([row("p", 0, { cell: "B" })]), false);
  assert.deepEqual(cov.values(["A", "B", "C"]), [2, 2, 0]);
  assert.equal(cov.load({ day: "2026-12-01", cells: {} }), true);
  assert.deepEqual(cov.values(["A", "B", "C"]), [0, 0, 0]);
});

test("the nearest people: distance in metres or km, on duty, seen ago, phone only when sent", () => {
  const w = SERVER.words;
  const lines = N.rows({ people: [
    { id: "gw-1", name: "<b>张</b>", distance_m: 87, on_duty: true, at: NOW - 4000, phone: "19900000001" },
    { id: "gw-2", name: "李", distance_m: 1530, on_duty: false, at: NOW - 12000 }
  ] }, w, NOW);
  assert.equal(lines[0].name, "<b>张</b>"); // set as text by the section, never as markup
  assert.equal(lines[0].distance, w.nearest_metres.replace("{m}", "87"));
  assert.equal(lines[1].distance, w.nearest_km.replace("{km}", "1.5"));
  assert.deepEqual(lines.map((l) => [l.duty, l.onDuty]), [[w.nearest_on_duty, true], [w.nearest_off_duty, false]]);
  assert.equal(lines[0].seen, w.nearest_seen.replace("{s}", "4"));
  assert.deepEqual(lines.map((l) => l.phone), ["19900000001", null]);
  assert.deepEqual(N.rows({}, w, NOW), []);
});

test("a dot's radius grows with the zoom between the config's two stops, and with the screen", () => {
  const [a, b] = LOOK.radius;
  assert.equal(P.radius(LOOK, a[0] - 3, 1), a[1]);
  assert.equal(P.radius(LOOK, b[0] + 3, 1), b[1]);
  assert.equal(P.radius(LOOK, (a[0] + b[0]) / 2, 1), (a[1] + b[1]) / 2);
  assert.equal(P.radius(LOOK, a[0], 2), 2 * a[1]);
});
