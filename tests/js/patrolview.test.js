/* The patrol page's helpers (assets/gridcc/patrolview.js): its words filled in, times and
 * distances as the phone shows them, a refusal in the page's language, a photo's size. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const V = require("../../assets/gridcc/patrolview.js");

const ZH = { patrol_cells: "已巡 {n} 个网格", patrol_distance: "{m} 米", patrol_distance_km: "{km} 公里" };

test("words are filled in; a missing word shows its key, a missing value nothing", () => {
  assert.equal(V.fill(ZH, "patrol_cells", { n: 3 }), "已巡 3 个网格");
  assert.equal(V.fill(ZH, "patrol_cells", {}), "已巡  个网格");
  assert.equal(V.fill(ZH, "patrol_nothing", { n: 3 }), "patrol_nothing");
  assert.equal(V.fill(ZH, "patrol_cells", { n: "<b>" }), "已巡 <b> 个网格"); // text: shown as text
});

test("an address's parts are escaped", () => {
  assert.equal(V.address("/api/cases/{id}/actions/{name}", { id: 7, name: "a/b?c" }),
    "/api/cases/7/actions/a%2Fb%3Fc");
});

test("the server's local time as the phone shows it", () => {
  assert.equal(V.when("2026-11-30T15:57:03+08:00"), "11-30 15:57");
  assert.equal(V.when(null), "");
});

test("distances: metres, then kilometres; unknown: nothing", () => {
  assert.equal(V.metres(ZH, 21.4), "21 米");
  assert.equal(V.metres(ZH, 999.4), "999 米");
  assert.equal(V.metres(ZH, 1520), "1.5 公里");
  assert.equal(V.metres(ZH, null), "");
  assert.equal(V.metres(ZH, 0), "0 米");
});

test("a refusal in the page's language where the server gave it", () => {
  const err = { error: "forbidden", message: "not yours", message_zh: "无权" };
  assert.equal(V.errText("zh", err), "无权");
  assert.equal(V.errText("en", err), "not yours");
  assert.equal(V.errText("zh", { error: "network", message: "timeout" }), "timeout");
  assert.equal(V.errText("zh", {}), "?");
});

test("a photo is sent at most maxSide on its longest side, never enlarged", () => {
  assert.deepEqual(V.fitted(4000, 3000, 1600), { width: 1600, height: 1200, scale: 0.4 });
  assert.deepEqual(V.fitted(1800, 2400, 1600), { width: 1200, height: 1600, scale: 2 / 3 });
  assert.deepEqual(V.fitted(800, 600, 1600), { width: 800, height: 600, scale: 1 });
});
