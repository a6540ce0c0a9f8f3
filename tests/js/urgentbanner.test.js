/* The urgent banner's pure parts (assets/gridcc/urgentbanner.js). */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const U = require("../../assets/gridcc/urgentbanner.js");

const labels = {
  urgent_step_start_report: "上报", urgent_step_acknowledged: "首次确认", urgent_step_on_site: "首次到场",
  urgent_step_hazard_removed: "险情排除", urgent_step_closed: "结案", urgent_target: "目标", urgent_minutes: "分"
};
const START = 1_800_000_000;
const clock = {
  start: START, started_by: "report", drill: false,
  steps: [
    { step: "acknowledged", at: START + 60, due: START + 120, met: true },
    { step: "on_site", at: START + 400, due: START + 300, met: false },
    { step: "hazard_removed", at: null, due: START + 480, met: null },
    { step: "closed", at: null, due: START + 28800, met: null }
  ]
};

test("durations read as minutes and seconds", () => {
  assert.equal(U.duration(0), "0:00");
  assert.equal(U.duration(479), "7:59");
  assert.equal(U.duration(3725), "1:02:05");
  assert.equal(U.duration(-5), "0:00");
});

test("each step of the clock: met, missed, late or waiting, against its target", () => {
  const rows = U.stepRows(clock, START + 500, labels);
  assert.deepEqual(rows.map((r) => [r.step, r.state, r.text]), [
    ["start", "met", "0:00"],
    ["acknowledged", "met", "1:00"],
    ["on_site", "missed", "6:40"],
    ["hazard_removed", "late", "8:20"],  // 8 minutes gone, not yet removed
    ["closed", "waiting", "8:20"]
  ]);
  assert.equal(rows[3].target, "目标 8分");
  assert.equal(rows[2].label, "首次到场");
  assert.equal(U.stepRows(clock, START + 200, labels)[3].state, "waiting");
  assert.deepEqual(U.stepRows(null, START, labels), []);
  assert.equal(U.nextStep(clock).step, "hazard_removed");
});

test("an alert stands until its case is acknowledged or closed", () => {
  const closed = ["closed", "rejected", "void"];
  assert.equal(U.ends({ kind: "case.acknowledge", to: "reported" }, closed), true);
  assert.equal(U.ends({ kind: "case.void", to: "void" }, closed), true);
  assert.equal(U.ends({ kind: "case.file", to: "filed" }, closed), false);
  assert.equal(U.ends({ kind: "case.remove_hazard", to: "filed" }, closed), false);
  const alerts = new U.Alerts();
  assert.equal(alerts.add({ case_id: 2, clock: { start: 20 } }), true);
  assert.equal(alerts.add({ case_id: 1, clock: { start: 10 } }), true);
  assert.equal(alerts.add({ case_id: 2, clock: { start: 20 } }), false);  // sent again: one banner, no second alarm
  assert.deepEqual(alerts.list().map((a) => a.case_id), [1, 2]);
  assert.equal(alerts.remove(1), true);
  assert.equal(alerts.remove(1), false);
  assert.deepEqual(alerts.list().map((a) => a.case_id), [2]);
});
