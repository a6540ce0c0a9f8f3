/* Rates as the browser shows them (assets/gridcc/rates.js): the examples dashboard/rates.py
 * passes too, so both sides show one rate the same way. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { percent, tone, fromTenths } = require("../../assets/gridcc/rates.js");

const examples = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "rates.json"), "utf8"));
const value = (rate) => (rate === null ? null : rate[0] / rate[1]);

test("a rate is shown rounded toward worse, never up to a target it misses", () => {
  for (const ex of examples.percent) {
    assert.equal(percent(value(ex.rate), ex.higher_is_better), ex.shown, JSON.stringify(ex));
  }
  assert.equal(percent(510 / 537), "94.9%"); // higher is better unless said otherwise
});

test("meeting a target is decided on the rate itself", () => {
  for (const ex of examples.tone) {
    assert.equal(tone(value(ex.rate), ex.target, ex.higher_is_better), ex.tone, JSON.stringify(ex));
  }
});

test("a KPI's result is shown from its tenths and toned from its meets, as the server says", () => {
  for (const ex of examples.kpi) {
    assert.equal(percent(ex.result), ex.shown, JSON.stringify(ex));
    assert.equal(tone(ex.result), ex.tone, JSON.stringify(ex));
  }
  // Never from the float beside them: a result says what is shown and whether it meets.
  assert.equal(percent({ value: 0.96, tenths: 949, meets: false }), "94.9%");
  assert.equal(tone({ value: 0.96, tenths: 949, meets: false }, 0.95), "misses");
  assert.equal(percent({ value: null, tenths: null }), "—");
  assert.equal(fromTenths(1000), "100.0%");
  assert.equal(fromTenths(5), "0.5%");
});
