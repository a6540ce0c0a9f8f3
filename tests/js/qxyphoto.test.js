/* A photo on 泉心愿's pages (assets/gridcc/qxyphoto.js): the size it is shrunk to. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const P = require("../../assets/gridcc/qxyphoto.js");

test("a photo is sent at most maxSide on its longest side, never enlarged", () => {
  assert.deepEqual(P.fitted(4000, 3000, 1280), { width: 1280, height: 960, scale: 0.32 });
  assert.deepEqual(P.fitted(1800, 2400, 1600), { width: 1200, height: 1600, scale: 2 / 3 });
  assert.deepEqual(P.fitted(640, 480, 1280), { width: 640, height: 480, scale: 1 });
});
