/* The kiosk link's fragment (assets/gridcc/kiosk.js). */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { parseFragment } = require("../../assets/gridcc/kiosk.js");

test("the key is the fragment before the first &", () => {
  assert.deepEqual(parseFragment("#gck_abc-DEF_1"), { token: "gck_abc-DEF_1", query: "" });
});

test("the wall's own parameters are kept for the wall's address, others dropped", () => {
  assert.deepEqual(parseFragment("#k&map=risk&level=street&evil=1&lang=en"), {
    token: "k",
    query: "?map=risk&level=street&lang=en",
  });
});

test("no fragment, no key", () => {
  assert.equal(parseFragment("").token, "");
  assert.equal(parseFragment("#").token, "");
});
