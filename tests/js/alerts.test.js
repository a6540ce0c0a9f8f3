/* The alert list's order and cap (assets/gridcc/alerts.js), and the cases it is given
 * (state.alerting), checked against the store's own risk counts. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { order, page, due } = require("../../assets/gridcc/alerts.js");
const { State } = require("../../assets/gridcc/state.js");
const { loadLog, snapshotNamed, clone } = require("./harness.js");

const log = loadLog();
const rules = log.rules;
const AT_RISK = rules.riskLevels.indexOf("at_risk");
const OVERDUE = rules.riskLevels.indexOf("overdue");
const NOW = 1_800_000_000;

function entry(id, level, deadline, priority = "normal") {
  return { id, level, deadline, priority };
}

test("overdue before at risk; the longest overdue first, then the nearest deadline", () => {
  const entries = [
    entry(1, AT_RISK, NOW + 600),     // 10 min left
    entry(2, OVERDUE, NOW - 60),      // 1 min over
    entry(3, AT_RISK, NOW + 60),      // 1 min left
    entry(4, OVERDUE, NOW - 7200),    // 2 h over
    entry(5, OVERDUE, NOW - 3600),    // 1 h over
    entry(6, AT_RISK, NOW + 3600 * 5) // 5 h left
  ];
  assert.deepEqual(order(entries).map((e) => e.id), [4, 5, 2, 3, 1, 6]);
  assert.deepEqual(entries.map((e) => e.id), [1, 2, 3, 4, 5, 6], "the input is left as it was");
});

test("at the same deadline an urgent case comes first, then the older case", () => {
  const entries = [
    entry(9, OVERDUE, NOW - 60),
    entry(7, OVERDUE, NOW - 60),
    entry(8, OVERDUE, NOW - 60, "urgent")
  ];
  assert.deepEqual(order(entries).map((e) => e.id), [8, 7, 9]);
});

test("the list shows at most its cap and counts the rest", () => {
  const entries = Array.from({ length: 25 }, (_, i) => entry(i + 1, OVERDUE, NOW - i * 60));
  const view = page(entries, 10);
  assert.equal(view.shown.length, 10);
  assert.equal(view.more, 15);
  assert.equal(view.total, 25);
  assert.deepEqual(view.shown.map((e) => e.id), [25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
  assert.deepEqual(page(entries.slice(0, 3), 10).more, 0);
});

test("time past the deadline or left before it", () => {
  assert.deepEqual(due(entry(1, OVERDUE, NOW - 90), NOW), { overdue: true, seconds: 90 });
  assert.deepEqual(due(entry(1, AT_RISK, NOW + 90), NOW), { overdue: false, seconds: 90 });
  assert.deepEqual(due(entry(1, OVERDUE, NOW), NOW), { overdue: true, seconds: 0 });
});

test("the state's alerting cases are the store's at-risk and overdue cases, with their details", () => {
  for (const name of ["end", "midday"]) {
    const snap = snapshotNamed(log, name);
    const state = new State(rules);
    state.load(snap);
    log.events.filter((e) => e.seq > snap.seq).forEach((e) => state.apply(clone(e)));
    const last = new Map(log.events.map((e) => [e.case_id, e]));
    for (const want of log.expected.risk) {
      const alerting = state.alerting(want.now);
      const levels = alerting.map((e) => rules.riskLevels[e.level]);
      assert.equal(levels.filter((l) => l === "at_risk").length, want.at_risk, name);
      assert.equal(levels.filter((l) => l === "overdue").length, want.overdue, name);
      for (const e of alerting) {
        const ev = last.get(e.id);  // the case as its last event left it
        assert.deepEqual([e.cell, e.deadline, e.category, e.department, e.priority],
          [ev.cell, ev.risk_at[2], ev.category, ev.department, ev.priority]);
        assert.equal(due(e, want.now).overdue, rules.riskLevels[e.level] === "overdue");
      }
    }
  }
});
