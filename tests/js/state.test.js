/* One event at a time (assets/gridcc/state.js), checked against the store's own answers. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { State } = require("../../assets/gridcc/state.js");
const { loadLog, snapshotNamed, visibleTo, asSnapshot, snapshotView, clone } = require("./harness.js");

const log = loadLog();
const rules = log.rules;

function from(name, view) {
  const snap = snapshotNamed(log, name);
  const state = new State(rules, view);
  state.load(snap);
  const changes = log.events.filter((e) => e.seq > snap.seq).map((e) => state.apply(clone(e)));
  return { state, changes };
}

function event(kind) {
  return log.events.filter((e) => e.kind === kind && e.at >= "2026-11-25");
}

for (const name of ["morning", "midday"]) {
  test(`the ${name} snapshot plus the events after it is the end snapshot`, () => {
    const { state } = from(name);
    assert.deepEqual(asSnapshot(state), snapshotView(snapshotNamed(log, "end")));
  });
}

test("open, today and closed today, event by event", () => {
  const state = new State(rules);
  state.load(snapshotNamed(log, "morning"));
  const seen = [];
  log.events.slice(21).forEach((e) => {
    state.apply(clone(e));
    seen.push([e.kind, state.counters.open, state.counters.today, state.counters.closed_today]);
  });
  // Every report is open and today; every close is closed today once; a rating is no close.
  const before = (i) => (i ? seen[i - 1] : [null, 10, 0, 0]);
  seen.forEach(([kind, open, today, closed], i) => {
    const [, o, t, c] = before(i);
    const want = {
      "case.reported": [o + 1, t + 1, c],
      "case.close": [o - 1, t, c + 1],
      "case.void": [o - 1, t, c],
      "case.rate": [o, t, c]
    }[kind] || [o, t, c];
    assert.deepEqual([open, today, closed], want, kind + " at " + (i + 22));
  });
});

test("a rated case is not closed twice, a voided one not at all", () => {
  const close = event("case.close")[0];
  const rate = log.events.find((e) => e.kind === "case.rate" && e.case_id === close.case_id);
  const voided = event("case.void")[0];
  const state = new State(rules);
  state.load(snapshotNamed(log, "morning"));
  log.events.filter((e) => e.seq > 21 && e.seq < close.seq).forEach((e) => state.apply(clone(e)));
  assert.equal(state.counters.closed_today, 0);
  state.apply(clone(close));
  assert.equal(state.counters.closed_today, 1);
  state.apply(clone(rate));
  state.apply(clone(rate)); // even a rating that came twice
  assert.equal(state.counters.closed_today, 1);
  log.events.filter((e) => e.seq > rate.seq && e.seq < voided.seq).forEach((e) => state.apply(clone(e)));
  const [open, closed] = [state.counters.open, state.counters.closed_today];
  state.apply(clone(voided));
  assert.deepEqual([state.counters.open, state.counters.closed_today], [open - 1, closed]);
  const { state: end } = from("morning");
  assert.equal(end.counters.closed_today, snapshotNamed(log, "end").counters.closed_today);
  assert.equal(end.counters.closed_today, event("case.close").length);
});

test("yesterday's events do not count today; a later day's event asks for a new snapshot", () => {
  const { state, changes } = from("day1-evening");
  const firstToday = log.events.findIndex((e) => e.at >= "2026-11-25") - 12;
  assert.ok(changes.slice(0, firstToday).every((c) => !c.newDay));
  assert.ok(changes.slice(firstToday).every((c) => c.newDay));
  assert.equal(state.counters.today, snapshotNamed(log, "day1-evening").counters.today);
  assert.ok(state.isNewDay(Date.parse("2026-11-25T00:00:00+08:00")));
  assert.ok(!state.isNewDay(Date.parse("2026-11-24T23:59:59+08:00")));
});

test("risk at a given now: the store's worst level per cell, at risk and overdue", () => {
  for (const name of ["end", "midday"]) {
    const { state } = from(name);
    for (const want of log.expected.risk) {
      const risk = state.risk(want.now);
      const worst = {};
      Object.keys(risk.worst).sort().forEach((cell) => { worst[cell] = rules.riskLevels[risk.worst[cell]]; });
      assert.deepEqual(worst, want.worst, name + " at " + want.now);
      assert.equal(risk.count.at_risk, want.at_risk);
      assert.equal(risk.count.overdue, want.overdue);
      assert.equal(risk.count.suspended, want.suspended);
    }
  }
});

test("a 挂账 case is counted apart and its clock stands still, from an event or a snapshot", () => {
  const suspend = event("case.suspend")[0];
  assert.ok(suspend && suspend.to === rules.suspendedStatus);
  const latest = log.expected.risk[log.expected.risk.length - 1].now;
  for (const name of ["before-suspend", "end"]) {
    const { state } = from(name);
    const c = state.openCases[suspend.case_id];
    assert.ok(c, name);  // open all the same
    assert.equal(c[7], rules.suspendedStatus, name);
    // Past its deadline by its instants, yet at the open level (as Case.risk says).
    assert.ok(latest >= suspend.risk_at[2], "the fixture reaches past its deadline");
    assert.equal(rules.riskLevels[state.level(c, latest)], rules.riskOpen, name);
    assert.equal(state.risk(latest).count.suspended, 1, name);
    assert.ok(!state.alerting(latest).some((a) => a.id === suspend.case_id), name);
  }
});

test("an extension moves a case's risk instants", () => {
  const extend = event("case.extend")[0];
  const state = new State(rules);
  state.load(snapshotNamed(log, "midday"));
  log.events.filter((e) => e.seq > 48 && e.seq < extend.seq).forEach((e) => state.apply(clone(e)));
  const before = state.openCases[extend.case_id].slice(1, 4);
  state.apply(clone(extend));
  assert.deepEqual(state.openCases[extend.case_id].slice(1, 4), extend.risk_at);
  assert.ok(extend.risk_at[2] > before[2]);
});

test("a department's state holds only its open cases", () => {
  for (const name of Object.keys(log.expected.departments)) {
    const state = new State(rules, { department: name });
    state.load(snapshotNamed(log, "empty"));
    log.events.filter((e) => visibleTo(log, e, name)).forEach((e) => state.apply(clone(e)));
    const got = asSnapshot(state);
    assert.deepEqual(got.open_cases.map((c) => c[0]), log.expected.departments[name].open_cases);
    assert.deepEqual(got.open_by_cell, log.expected.departments[name].open_by_cell);
    // No ticker row stays of a case that has since moved to another department.
    const latest = new Map(log.events.map((e) => [e.case_id, e.department]));
    assert.ok(state.rows.length > 0, name);
    assert.ok(state.rows.every((r) => latest.get(r.case_id) === name), name);
  }
});

test("the ticker keeps the newest rows, newest first", () => {
  const state = new State({ ...rules, timing: { ...rules.timing, tickerRows: 5 } });
  state.load(snapshotNamed(log, "end"));
  assert.deepEqual(state.rows.map((r) => r.seq), snapshotNamed(log, "end").recent.map((e) => e.seq).slice(-5).reverse());
});

test("a drill moves no counter, no cell and no ticker row", () => {
  const state = new State(rules);
  state.load(snapshotNamed(log, "morning"));
  const reported = clone(log.events.find((e) => e.kind === "case.reported" && e.at >= "2026-11-25"));
  const before = JSON.stringify([state.counters, state.openByCell, state.rows.length]);
  const change = state.apply(Object.assign(reported, { drill: true, case_id: 999999 }));
  assert.deepEqual(change, { cells: [], cases: false, row: false, newDay: false });
  assert.equal(JSON.stringify([state.counters, state.openByCell, state.rows.length]), before);
  const real = state.apply(Object.assign(clone(reported), { drill: false, case_id: 999998 }));
  assert.equal(real.cases, true);  // the same event, not a drill, counts
});
