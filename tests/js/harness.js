/* Test harness: a fake server over a recorded event log, and a wall wired like main.js.
 *
 * The server answers a request with what the store held when it SERVED it; the test decides
 * when the answer is DELIVERED, so any interleaving of socket events, catch-ups, heartbeats
 * and snapshots can be played out.
 */
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { Sequencer } = require("../../assets/gridcc/core.js");
const { State } = require("../../assets/gridcc/state.js");
const { key, plan } = require("../../assets/gridcc/ticker.js");

const FIXTURES = path.join(__dirname, "fixtures");

function clone(value) { return JSON.parse(JSON.stringify(value)); }

function loadLog(name = "district-log.json") {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));
}

function snapshotNamed(log, name) {
  const snap = log.snapshots.find((s) => s.name === name);
  if (!snap) throw new Error("no snapshot " + name);
  return clone(snap);
}

// Which department may see an event: as the server's access policy answered it when the
// log was recorded (fixture "visible": department -> seqs), never a copy of the rule.
function visibleTo(log, ev, department) {
  return !department || log.visible[department].includes(ev.seq);
}

class Server {
  constructor(log, { seq = 0, limit = 1000, events } = {}) {
    this.log = log;
    this.events = events || log.events;
    this.seq = seq;         // the store's last sequence number
    this.limit = limit;
  }

  // The store commits events up to `seq`; returns them, as the hub would emit them.
  commit(seq) {
    const fresh = this.events.filter((e) => e.seq > this.seq && e.seq <= seq).map(clone);
    this.seq = Math.max(this.seq, seq);
    return fresh;
  }

  // GET /api/events?since=… as dashboard/api.py answers it (filtered for a department).
  // A department pages through its own events only, and `through` never tells of another
  // department's: the last of its page when more follow, else its head (its last event).
  page(since, department) {
    const held = this.events.filter((e) => e.seq <= this.seq && visibleTo(this.log, e, department));
    const rows = held.filter((e) => e.seq > since).slice(0, this.limit + 1);
    const page = rows.slice(0, this.limit);
    const more = rows.length > this.limit;
    const head = this.head(department);
    const through = more ? page[page.length - 1].seq : Math.max(head, since);
    return { events: page.map(clone), through, more };
  }

  snapshot() {
    const snap = this.log.snapshots.find((s) => s.seq === this.seq && this.events === this.log.events);
    if (!snap) throw new Error("the fixture has no snapshot at seq " + this.seq);
    return clone(snap);
  }

  serve(req) {
    if (req.kind === "events") return this.page(req.since, req.department);
    if (req.kind === "snapshot") return this.snapshot();
    return { seq: this.head(req.department) }; // GET /api/seq: the asker's view's head
  }

  head(department) {
    if (!department) return this.seq;
    const held = this.events.filter((e) => e.seq <= this.seq && visibleTo(this.log, e, department));
    return held.length ? held[held.length - 1].seq : 0;
  }
}

// What the ticker view does with the state's rows (assets/gridcc/ticker.js), without a DOM:
// `added` is what a MutationObserver on the list would see.
class Screen {
  constructor() { this.added = []; this.removed = []; this.shown = []; }
  show(rows) {
    const change = plan(this.shown, rows);
    change.add.forEach((ev) => this.added.push(ev.seq));
    change.remove.forEach((k) => this.removed.push(k));
    this.shown = rows.map(key);
  }
}

class Wall {
  constructor(log, { department = null } = {}) {
    this.log = log;
    this.department = department;
    this.requests = [];
    this.applied = [];
    this.timers = [];
    this.newDays = 0;
    this.onNewDay = () => {}; // main.js resyncs
    this.screen = new Screen();
    this.state = new State(log.rules, { department });
    const wall = this;
    this.core = Sequencer({
      apply(ev) {
        wall.applied.push(ev.seq);
        const change = wall.state.apply(ev);
        if (change.newDay) { wall.newDays += 1; wall.onNewDay(); }
        if (change.row) wall.screen.show(wall.state.rows);
      },
      load(snap, replay) {
        wall.state = new State(log.rules, { department });
        wall.state.load(snap);
        replay.forEach((ev) => wall.state.apply(ev));
        wall.screen.show(wall.state.rows);
      },
      fetchEvents(since, ticket) { wall.requests.push({ kind: "events", since, ticket, department }); },
      fetchSnapshot(ticket) { wall.requests.push({ kind: "snapshot", ticket }); },
      fetchSeq(ticket) { wall.requests.push({ kind: "seq", ticket, department }); },
      later(fn) { wall.timers.push(fn); }
    }, { department, resyncGap: log.rules.timing.resyncGap });
  }

  start(snap) { this.core.start(snap); return this; }

  socket(events) { events.forEach((ev) => this.core.receive(clone(ev))); }

  // The oldest request of `kind` still unanswered (and forget it).
  take(kind) {
    const i = this.requests.findIndex((r) => r.kind === kind);
    if (i < 0) throw new Error("no " + kind + " request pending");
    return this.requests.splice(i, 1)[0];
  }

  pending(kind) { return this.requests.filter((r) => r.kind === kind).length; }

  deliver(req, body) {
    if (req.kind === "events") this.core.eventsPage(req.ticket, clone(body));
    else if (req.kind === "snapshot") this.core.snapshotReply(req.ticket, clone(body));
    else this.core.seqReply(req.ticket, clone(body));
  }

  // Answer every request, oldest first, each served and delivered at once.
  settle(server, rounds = 100) {
    while (this.requests.length) {
      if (--rounds < 0) throw new Error("requests never settle");
      const req = this.requests.shift();
      this.deliver(req, server.serve(req));
    }
  }

  stats() { return this.core.stats; }
}

// Seqs that occur more than once.
function twice(seqs) {
  const seen = new Set(), again = new Set();
  seqs.forEach((s) => (seen.has(s) ? again.add(s) : seen.add(s)));
  return [...again];
}

// The parts of a state a snapshot also has, in the snapshot's shape.
function asSnapshot(state) {
  const open = Object.keys(state.openCases).map(Number).sort((a, b) => a - b);
  const byCell = {};
  Object.keys(state.openByCell).forEach((c) => { if (state.openByCell[c]) byCell[c] = state.openByCell[c]; });
  return {
    open_by_cell: byCell,
    open_cases: open.map((id) => [id].concat(state.openCases[id])),
    counters: state.counters,
    recent: state.rows.map((ev) => ev.seq).reverse()
  };
}

function snapshotView(snap, rows = snap.recent.length) {
  return {
    open_by_cell: snap.open_by_cell,
    open_cases: snap.open_cases,
    counters: snap.counters,
    recent: snap.recent.map((ev) => ev.seq).slice(-rows)
  };
}

module.exports = { loadLog, snapshotNamed, visibleTo, Server, Wall, twice, asSnapshot, snapshotView, clone };
