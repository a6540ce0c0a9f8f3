/* A department's own snapshot (/api/snapshot for its liaison, cases/reads.py) and the wall's
 * state code (assets/gridcc/state.js) agree: the snapshot plus the department's events after
 * it is the department's later snapshot, so the liaison's desk runs the wall's code as is. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { State } = require("../../assets/gridcc/state.js");
const { Sequencer } = require("../../assets/gridcc/core.js");
const { loadLog, visibleTo, asSnapshot, snapshotView, clone } = require("./harness.js");

const log = loadLog();
const rules = log.rules;

function departmentSnapshot(department, name) {
  const snap = log.department_snapshots[department].find((s) => s.name === name);
  if (!snap) throw new Error(`no ${name} snapshot of ${department}`);
  return clone(snap);
}

for (const department of Object.keys(log.department_snapshots)) {
  for (const name of ["morning", "midday"]) {
    test(`${department}: its ${name} snapshot plus its events after it is its end snapshot`, () => {
      const snap = departmentSnapshot(department, name);
      const state = new State(rules, { department });
      state.load(snap);
      // In sequence, through the core, exactly as the desk applies them (no gap is a gap:
      // each event names the previous event of this department's view).
      const applied = [];
      const core = Sequencer({
        apply: (ev) => { applied.push(ev.seq); state.apply(ev); },
        load: () => {},
        fetchEvents: () => { throw new Error("a department's own events have no gaps"); },
        fetchSnapshot: () => { throw new Error("no resync"); },
        fetchSeq: () => {},
        later: () => {}
      }, { department });
      core.start(snap);
      const mine = log.events.filter((e) => e.seq > snap.seq && visibleTo(log, e, department));
      mine.forEach((e) => core.receive(clone(e)));
      assert.deepEqual(applied, mine.map((e) => e.seq));
      const end = departmentSnapshot(department, "end");
      assert.deepEqual(asSnapshot(state), snapshotView(end));
      assert.equal(core.lastSeq(), end.seq);
    });
  }
}

test("a department's snapshots hold nothing of another department", () => {
  for (const [department, snaps] of Object.entries(log.department_snapshots)) {
    for (const snap of snaps) {
      // Taken at the same moment as the district's snapshot of the same name.
      const asOf = log.snapshots.find((s) => s.name === snap.name).seq;
      const departmentOf = new Map();
      log.events.filter((e) => e.seq <= asOf).forEach((e) => departmentOf.set(e.case_id, e.department));
      snap.open_cases.forEach((row) => assert.equal(departmentOf.get(row[0]), department));
      snap.recent.forEach((ev) => assert.equal(departmentOf.get(ev.case_id), department));
      // Its sequence number is one of its own events (its head), never the district's.
      assert.ok(snap.seq === 0 || log.visible[department].includes(snap.seq), `${department} ${snap.name}`);
    }
  }
});
