/* The ticker's rule (assets/gridcc/ticker.js plan): rows by seq and case, never twice. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { key, plan } = require("../../assets/gridcc/ticker.js");

const rows = (pairs) => pairs.map(([seq, caseId]) => ({ seq, case_id: caseId }));

test("a row already shown is neither added nor removed again", () => {
  const shown = rows([[3, 3], [2, 2], [1, 1]]).map(key);
  const change = plan(shown, rows([[4, 4], [3, 3], [2, 2]]));
  assert.deepEqual(change.add.map((ev) => ev.seq), [4]);
  assert.deepEqual(change.remove, [key({ seq: 1, case_id: 1 })]);
});

test("new rows come oldest first, so each goes on top in turn", () => {
  const change = plan([], rows([[9, 7], [8, 6], [7, 5]]));
  assert.deepEqual(change.add.map((ev) => ev.seq), [7, 8, 9]);
});

test("a replaced store that reuses seqs for other cases replaces every row", () => {
  const before = rows([[3, 3], [2, 2], [1, 1]]);
  const after = rows([[3, 30], [2, 20], [1, 10]]);
  const change = plan(before.map(key), after);
  assert.deepEqual(change.remove, before.map(key));
  assert.deepEqual(change.add.map((ev) => ev.case_id), [10, 20, 30]);
});
