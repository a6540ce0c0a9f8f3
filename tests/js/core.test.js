/* Ordering and catch-up (assets/gridcc/core.js) against the recorded district log. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { loadLog, snapshotNamed, visibleTo, Server, Wall, twice, asSnapshot, snapshotView } = require("./harness.js");

const log = loadLog();
const END = snapshotNamed(log, "end");
const LAST = log.events[log.events.length - 1].seq; // the end snapshot's seq

// A wall that started from the morning snapshot (seq 21) of a store at seq 21.
function morning() {
  const server = new Server(log, { seq: 21 });
  const wall = new Wall(log).start(snapshotNamed(log, "morning"));
  return { server, wall };
}

function assertEndState(wall) {
  assert.deepEqual(asSnapshot(wall.state), snapshotView(END));
}

function assertOnce(wall) {
  assert.deepEqual(twice(wall.applied), [], "an event applied twice");
  assert.deepEqual(twice(wall.screen.added), [], "a ticker row added twice");
}

test("in-order delivery applies each event at once, asks nothing", () => {
  const { server, wall } = morning();
  wall.socket(server.commit(LAST));
  assert.equal(wall.requests.length, 0);
  assert.deepEqual(wall.applied, log.events.slice(21).map((e) => e.seq));
  assert.equal(wall.stats().buffered, 0);
  assertEndState(wall);
  assertOnce(wall);
});

test("out-of-order delivery is buffered and applied in order", () => {
  const { server, wall } = morning();
  const events = server.commit(LAST);
  for (let i = 0; i + 1 < events.length; i += 4) [events[i], events[i + 1]] = [events[i + 1], events[i]];
  wall.socket(events);
  // Catch-ups went out for the gaps; they come back after the socket filled them.
  wall.settle(server);
  assert.deepEqual(wall.applied, log.events.slice(21).map((e) => e.seq));
  assert.ok(wall.stats().buffered > 0);
  assertEndState(wall);
  assertOnce(wall);
});

test("a gap is fetched once, then the buffer drains", () => {
  const { server, wall } = morning();
  const events = server.commit(LAST);
  wall.socket(events.filter((e) => e.seq < 30 || e.seq > 35));
  assert.equal(wall.pending("events"), 1);
  assert.equal(wall.requests[0].since, 29);
  assert.equal(wall.applied[wall.applied.length - 1], 29);
  wall.settle(server);
  assert.deepEqual(wall.applied, log.events.slice(21).map((e) => e.seq));
  assertEndState(wall);
  assertOnce(wall);
});

test("a reconnect catches up what the socket missed, and drops what it repeats", () => {
  const { server, wall } = morning();
  wall.socket(server.commit(40));
  server.commit(50); // emitted while the socket was down: lost
  wall.core.connected();
  wall.settle(server);
  assert.equal(wall.core.lastSeq(), 50);
  const again = server.commit(LAST);
  wall.socket([log.events[49]].concat(again)); // seq 50 again, then the rest
  assert.equal(wall.stats().duplicates, 1);
  assertEndState(wall);
  assertOnce(wall);
});

test("a stale heartbeat reply does not force a resync", () => {
  const { server, wall } = morning();
  wall.socket(server.commit(30));
  wall.core.heartbeat();
  const beat = wall.take("seq");
  const reply = server.serve(beat); // the server answers seq 30 ...
  wall.socket(server.commit(48)); // ... while the socket moves on to 48
  wall.deliver(beat, reply);
  assert.equal(wall.stats().resyncs, 0);
  assert.equal(wall.pending("snapshot"), 0);
  wall.socket(server.commit(LAST));
  assertEndState(wall);
  assertOnce(wall);
});

test("a resync mid-stream never shows an event twice (snapshot older than the socket)", () => {
  const { server, wall } = morning();
  wall.socket(server.commit(40));
  wall.core.resync(); // e.g. the day changed
  const snap = wall.take("snapshot");
  server.commit(48);
  const body = server.serve(snap); // the store's snapshot at 48 ...
  wall.socket(log.events.slice(40, 60)); // ... while the socket applies 41..60
  server.commit(60);
  wall.deliver(snap, body);
  wall.settle(server);
  assert.equal(wall.stats().resyncs, 1);
  wall.socket(server.commit(LAST));
  assertEndState(wall);
  assertOnce(wall);
});

test("a resync re-adds no ticker row it already shows", () => {
  const server = new Server(log, { seq: 48 });
  const wall = new Wall(log).start(snapshotNamed(log, "midday"));
  const shown = wall.screen.added.length;
  wall.core.resync();
  wall.settle(server); // the same snapshot again
  const again = wall.screen.added.slice(shown);
  assert.deepEqual(again, [], "rows re-added: " + again.join(","));
  assertOnce(wall);
});

test("a catch-up in flight when a resync began is not applied on the new snapshot", () => {
  const { server, wall } = morning();
  wall.socket(server.commit(40));
  server.commit(60);
  wall.socket([log.events[50]]); // seq 51: a gap, so a catch-up for 41.. goes out
  const catchUp = wall.take("events");
  const oldPage = server.serve(catchUp); // the old store answers 41..60
  // The store is replaced by an empty one; the heartbeat sees it behind us and resyncs.
  const fresh = new Server(log, { seq: 0, events: [] });
  fresh.snapshot = () => snapshotNamed(log, "empty");
  wall.core.heartbeat();
  wall.deliver(wall.take("seq"), fresh.serve({ kind: "seq" }));
  assert.equal(wall.stats().resyncs, 1);
  wall.deliver(wall.take("snapshot"), fresh.snapshot());
  const applied = wall.applied.length;
  wall.deliver(catchUp, oldPage); // the old store's answer arrives last
  assert.equal(wall.applied.length, applied, "old store's events applied on the new snapshot");
  wall.settle(fresh);
  assert.equal(wall.core.lastSeq(), 0);
  assert.deepEqual(asSnapshot(wall.state).open_cases, []);
});

test("a store that went backwards is loaded again from its snapshot", () => {
  const { server, wall } = morning();
  wall.socket(server.commit(48));
  const restored = new Server(log, { seq: 21 }); // restored from the morning's backup
  wall.core.heartbeat();
  wall.deliver(wall.take("seq"), restored.serve({ kind: "seq" }));
  assert.equal(wall.stats().resyncs, 1);
  wall.settle(restored);
  assert.equal(wall.core.lastSeq(), 21);
  assert.deepEqual(asSnapshot(wall.state), snapshotView(snapshotNamed(log, "morning")));
  wall.socket(restored.commit(LAST));
  assertEndState(wall);
});

test("a resync while a catch-up is in flight: the old answer is dropped, nothing twice", () => {
  const { server, wall } = morning();
  wall.socket(server.commit(40));
  server.commit(48);
  wall.socket([log.events[44]]); // seq 45: a gap, a catch-up for 41.. goes out
  const catchUp = wall.take("events");
  const page = server.serve(catchUp); // 41..48
  wall.core.resync();
  const snap = wall.take("snapshot");
  const body = server.serve(snap); // the midday snapshot, seq 48
  wall.deliver(catchUp, page); // back after the resync began: stale
  assert.equal(wall.core.lastSeq(), 40);
  wall.socket(server.commit(60)); // 49..60 wait behind the gap
  wall.deliver(snap, body);
  assert.equal(wall.core.lastSeq(), 60);
  wall.settle(server);
  wall.socket(server.commit(LAST));
  assertEndState(wall);
  assertOnce(wall);
});

test("a long gap is fetched page by page", () => {
  const server = new Server(log, { seq: 21, limit: 10 });
  const wall = new Wall(log).start(snapshotNamed(log, "morning"));
  const events = server.commit(LAST);
  wall.socket([events[events.length - 1]]);
  wall.settle(server);
  assert.equal(wall.stats().catchUps, Math.ceil((LAST - 21) / 10)); // pages of 10 after seq 21
  assertEndState(wall);
  assertOnce(wall);
});

test("a day change mid-stream: a snapshot of the new day, and the stream goes on", () => {
  const server = new Server(log, { seq: 12 });
  const wall = new Wall(log).start(snapshotNamed(log, "day1-evening"));
  wall.onNewDay = () => wall.core.resync("day");
  wall.socket(server.commit(48));
  assert.equal(wall.stats().resyncs, 1);
  wall.settle(server); // the midday snapshot (seq 48)
  assert.deepEqual(asSnapshot(wall.state), snapshotView(snapshotNamed(log, "midday")));
  wall.socket(server.commit(LAST));
  assertEndState(wall);
  assert.deepEqual(twice(wall.applied), []);
});

test("a heartbeat far ahead resyncs; a heartbeat just ahead catches up", () => {
  const { server, wall } = morning();
  server.commit(LAST);
  wall.core.heartbeat();
  wall.deliver(wall.take("seq"), server.serve({ kind: "seq" }));
  assert.equal(wall.pending("events"), 1);
  assert.equal(wall.pending("snapshot"), 0);
  wall.settle(server);
  assertEndState(wall);
  const far = new Wall(log).start(snapshotNamed(log, "morning"));
  far.core.heartbeat();
  far.deliver(far.take("seq"), { seq: 21 + log.rules.timing.resyncGap + 1 });
  assert.equal(far.pending("snapshot"), 1);
});

// ---- a department's view: the prev chain ------------------------------------------------
const DEPARTMENTS = Object.keys(log.expected.departments);

function department(name) {
  const server = new Server(log, { seq: 0 });
  const wall = new Wall(log, { department: name }).start(snapshotNamed(log, "empty"));
  return { server, wall, mine: (events) => events.filter((e) => visibleTo(log, e, name)) };
}

function assertDepartment(wall, name) {
  const want = log.expected.departments[name];
  const got = asSnapshot(wall.state);
  assert.deepEqual(got.open_cases.map((c) => c[0]), want.open_cases, name);
  assert.deepEqual(got.open_by_cell, want.open_by_cell, name);
  assert.equal(wall.state.counters.open, want.open_cases.length, name);
}

for (const name of DEPARTMENTS) {
  test(`department ${name}: skips the events it may not see, without a catch-up`, () => {
    const { server, wall, mine } = department(name);
    const events = mine(server.commit(LAST));
    wall.socket(events);
    assert.equal(wall.requests.length, 0);
    assert.equal(wall.stats().buffered, 0);
    assert.deepEqual(wall.applied, events.map((e) => e.seq));
    assertDepartment(wall, name);
  });
}

test("department: a gap in its own chain is fetched from its own events, up to its head", () => {
  const { server, wall, mine } = department("chengguan");
  const events = mine(server.commit(LAST));
  const lost = events[6];
  wall.socket(events.filter((e) => e !== lost));
  assert.equal(wall.pending("events"), 1);
  assert.equal(wall.requests[0].since, events[5].seq);
  wall.settle(server);
  // through: its own last event, never a seq of another department's
  assert.equal(wall.core.lastSeq(), events[events.length - 1].seq);
  assert.deepEqual(wall.applied, events.map((e) => e.seq));
  assertDepartment(wall, "chengguan");
});

test("department: a heartbeat answers its own head, so the district's activity asks nothing", () => {
  const { server, wall, mine } = department("huanbao");
  const events = mine(server.commit(LAST));
  wall.socket(events);
  const last = events[events.length - 1].seq;
  assert.ok(last < LAST); // the district moved on after huanbao's last event
  wall.core.heartbeat();
  const beat = wall.take("seq");
  const reply = server.serve(beat);
  assert.equal(reply.seq, last);
  wall.deliver(beat, reply);
  assert.equal(wall.pending("events"), 0);
  assert.equal(wall.stats().resyncs, 0);
  assert.equal(wall.core.lastSeq(), last);
  assert.equal(wall.applied.length, events.length);
});

test("department: a heartbeat ahead of it (its own events missed) fetches them", () => {
  const { server, wall, mine } = department("chengguan");
  const events = mine(server.commit(LAST));
  const missed = events.slice(-3);
  wall.socket(events.slice(0, -3));
  wall.core.heartbeat();
  const beat = wall.take("seq");
  wall.deliver(beat, server.serve(beat));
  assert.equal(wall.pending("events"), 1);
  wall.settle(server);
  assert.deepEqual(wall.applied.slice(-3), missed.map((e) => e.seq));
  assert.equal(wall.core.lastSeq(), events[events.length - 1].seq);
  assertDepartment(wall, "chengguan");
});

test("department: a case reassigned away leaves the view, one reassigned in enters it", () => {
  const { server, wall, mine } = department("chengguan");
  const events = server.commit(LAST);
  const away = events.find((e) => e.kind === "case.reassign" && e.from_department === "chengguan");
  const into = events.find((e) => e.kind === "case.reassign" && e.department === "chengguan");
  wall.socket(mine(events.filter((e) => e.seq < away.seq)));
  assert.ok(wall.state.openCases[away.case_id]);
  const shows = (caseId) => wall.screen.shown.some((k) => k.endsWith(":" + caseId));
  assert.ok(shows(away.case_id));
  const open = wall.state.counters.open;
  wall.socket([away]);
  assert.equal(wall.state.openCases[away.case_id], undefined);
  assert.equal(wall.state.counters.open, open - 1);
  assert.ok(!wall.state.rows.some((r) => r.case_id === away.case_id), "its ticker row stays");
  assert.ok(!shows(away.case_id));
  wall.socket(mine(events.filter((e) => e.seq > away.seq && e.seq <= into.seq)));
  assert.ok(wall.state.openCases[into.case_id]);
  assertOnce(wall);
});

test("department: an event without a chain for it is checked with a catch-up", () => {
  const { server, wall, mine } = department("jiaojing");
  const events = mine(server.commit(LAST));
  const bare = events.map((e, i) => (i === 3 ? { ...e, prev: {} } : e));
  wall.socket(bare);
  assert.equal(wall.pending("events"), 1);
  wall.settle(server);
  assert.deepEqual(wall.applied, events.map((e) => e.seq));
  assertDepartment(wall, "jiaojing");
});
