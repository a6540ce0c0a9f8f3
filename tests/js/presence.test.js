/* Presence in the browser (assets/gridcc/presence.js): merging the server's updates, the
 * words it shows, and what it says to the socket (announce, heartbeat, reconnect). */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const P = require("../../assets/gridcc/presence.js");

const LABELS = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "presence-labels.json"), "utf8"));
const zhang = (mode) => ({ user: "zhang", name: "张三", role: "operator", department: null, mode });
const li = (mode) => ({ user: "li", name: "李四", role: "lead", department: null, mode });

test("a case's people are replaced by each newer reading, never by an older one", () => {
  const board = new P.Board();
  assert.deepEqual(board.apply({ case: 7, cell: "370102001001001", people: [zhang("editing")], at: 10 }),
    { cases: [7], cells: [] });
  assert.deepEqual(board.onCase(7), [zhang("editing")]);
  // The same people again (a heartbeat's answer) is no change.
  assert.deepEqual(board.apply({ case: 7, people: [zhang("editing")], at: 12 }).cases, []);
  // A reading older than the one shown arrives late: ignored.
  assert.deepEqual(board.apply({ case: 7, people: [], at: 11 }).cases, []);
  assert.deepEqual(board.onCase(7), [zhang("editing")]);
  assert.deepEqual(board.apply({ case: 7, people: [zhang("editing"), li("viewing")], at: 13 }).cases, [7]);
  assert.deepEqual(board.apply({ case: 7, people: [], at: 14 }).cases, [7]);
  assert.deepEqual(board.onCase(7), []);
  assert.deepEqual(board.onCase(8), []);
});

test("cells merge one by one", () => {
  const board = new P.Board();
  const change = board.apply({ cells: { a: [li("viewing")], b: [] }, at: 5 });
  assert.deepEqual(change, { cases: [], cells: ["a"] });  // b: nobody, as before
  assert.deepEqual(board.apply({ cells: { a: [], b: [li("viewing")] }, at: 6 }).cells, ["a", "b"]);
  assert.deepEqual(board.apply({ cells: { b: [] }, at: 4 }).cells, []);
  assert.deepEqual(board.onCell("b"), [li("viewing")]);
});

test("anything that is not an update changes nothing", () => {
  const board = new P.Board();
  for (const junk of [null, 3, "x", [], { case: "7", people: [] }, { case: 7 }, { cells: [1] }, { cells: { a: 1 } }]) {
    assert.deepEqual(board.apply(junk), { cases: [], cells: [] });
  }
});

test("people are described in the page's words, Chinese and English", () => {
  assert.equal(P.describe(zhang("editing"), LABELS.zh), "张三 (值班员) 正在编辑");
  assert.equal(P.describe(li("viewing"), LABELS.zh), "李四 (值班长) 正在查看");
  assert.equal(P.describe({ ...zhang("editing"), name: "Zhang San" }, LABELS.en), "Zhang San (operator) is editing");
  assert.equal(P.sentence([zhang("editing"), li("viewing")], LABELS.zh), "张三 (值班员) 正在编辑；李四 (值班长) 正在查看");
  assert.equal(P.sentence([], LABELS.en), "");
  // A name is text, never a pattern: "$&" and braces stay as typed.
  assert.equal(P.describe({ ...zhang("viewing"), name: "$& {role}" }, LABELS.en), "$& {role} (operator) is viewing");
});

test("others leave this screen's own user out; editing tells a colleague is at work", () => {
  assert.deepEqual(P.others([zhang("editing"), li("viewing")], "zhang"), [li("viewing")]);
  assert.equal(P.editing([li("viewing")]), false);
  assert.equal(P.editing([li("viewing"), zhang("editing")]), true);
});

// A socket as the page holds it: what it was told to emit, and the server's side to play.
class Socket {
  constructor() { this.connected = false; this.handlers = {}; this.sent = []; }
  on(name, fn) { (this.handlers[name] = this.handlers[name] || []).push(fn); }
  off(name, fn) { this.handlers[name] = (this.handlers[name] || []).filter((h) => h !== fn); }
  emit(name, body, ack) { this.sent.push({ name, body, ack }); }
  fire(name, arg) { (this.handlers[name] || []).forEach((fn) => fn(arg)); }
  connect() { this.connected = true; this.fire("connect"); }
  drop() { this.connected = false; this.fire("disconnect"); }
  bodies() { return this.sent.splice(0).map((s) => s.body); }
  // The server answers the oldest announcement; returns what it said.
  answer(ack = { ok: true, you: "zhang", ttl: 90 }) {
    const sent = this.sent.shift();
    sent.ack(ack);
    return sent.body;
  }
}

class Timers {
  constructor() { this.running = new Map(); this.n = 0; }
  every(fn, ms) { this.n += 1; this.running.set(this.n, { fn, ms }); return this.n; }
  cancel(handle) { this.running.delete(handle); }
  periods() { return [...this.running.values()].map((t) => t.ms); }
  tick() { [...this.running.values()].forEach((t) => t.fn()); }
}

function rig(options = {}) {
  const socket = new Socket();
  const timers = new Timers();
  const changes = [];
  const p = new P.Presence(socket, (_p, change) => changes.push(change), { timers, ...options });
  return { socket, timers, changes, p };
}

test("what is open is announced once connected, and again after every reconnect", () => {
  const { socket, p } = rig();
  p.open(7, "editing");
  assert.deepEqual(socket.sent, []);  // not connected yet
  socket.connect();
  assert.deepEqual(socket.answer(), { case: 7, mode: "editing" });
  socket.drop();
  p.open("8");  // a page may hand an id as text
  assert.deepEqual(socket.sent, []);
  socket.connect();
  assert.deepEqual(socket.answer(), { case: 8, mode: "viewing" });
  p.watchCells(["a", "b", "a"]);
  assert.deepEqual(socket.answer(), { cells: ["a", "b"], mode: "viewing" });
  p.close();
  assert.deepEqual(socket.answer(), {});
  p.watchCells(Array.from({ length: 250 }, (_, i) => "c" + i));
  assert.equal(socket.answer().cells.length, P.MAX_CELLS);
  assert.deepEqual(socket.sent, []);
});

test("one announcement is in flight at a time, and the newest goes next", () => {
  const { socket, p } = rig();
  socket.connect();
  p.open(1);
  p.open(2);
  p.open(3, "editing");
  assert.equal(socket.sent.length, 1);
  assert.deepEqual(socket.answer(), { case: 1, mode: "viewing" });
  assert.deepEqual(socket.answer(), { case: 3, mode: "editing" });  // 2 was passed over
  assert.deepEqual(socket.sent, []);
});

test("an announcement never answered is given up: after two beats, or with its socket", () => {
  const { socket, timers, p } = rig();
  socket.connect();
  p.open(1);
  timers.tick();  // still waiting
  p.open(2);
  assert.equal(socket.sent.length, 1);
  timers.tick();  // waited too long: announce anew
  assert.deepEqual(socket.sent.map((s) => s.body), [{ case: 1, mode: "viewing" }, { case: 2, mode: "viewing" }]);
  socket.sent.splice(0);
  socket.drop();  // the answer to {case: 2} is lost with the socket
  socket.connect();
  assert.deepEqual(socket.answer(), { case: 2, mode: "viewing" });
});

test("the heartbeat re-announces what is open, a third of the server's ttl apart", () => {
  const { socket, timers, p } = rig();
  socket.connect();
  timers.tick();
  assert.deepEqual(socket.bodies(), []);  // nothing open: nothing to keep alive
  p.open(7);
  socket.sent[0].ack({ ok: true, you: "zhang", ttl: 90, case: 7, cell: "a", people: [zhang("viewing")], at: 1 });
  socket.bodies();
  assert.deepEqual(timers.periods(), [30000]);
  timers.tick();
  assert.deepEqual(socket.bodies(), [{ case: 7, mode: "viewing" }]);
  p.close();
  socket.bodies();
  timers.tick();
  assert.deepEqual(socket.bodies(), []);
});

test("a fixed heartbeat is kept whatever the server's ttl", () => {
  const { socket, timers, p } = rig({ heartbeatMs: 5000 });
  socket.connect();
  p.open(7);
  socket.sent[0].ack({ ok: true, you: "zhang", ttl: 90, case: 7, people: [], at: 1 });
  assert.deepEqual(timers.periods(), [5000]);
});

test("updates and answers reach the page; this screen's own user is left out", () => {
  const { socket, changes, p } = rig();
  socket.connect();
  p.open(7, "editing");
  socket.sent[0].ack({ ok: true, you: "zhang", ttl: 90, case: 7, people: [zhang("editing")], at: 1 });
  assert.deepEqual(changes.map((c) => c.cases), [[7]]);
  assert.deepEqual(p.othersOn(7), []);
  socket.fire("presence", { case: 7, people: [zhang("editing"), li("viewing")], at: 2 });
  assert.deepEqual(p.othersOn(7), [li("viewing")]);
  socket.fire("presence", { cells: { a: [li("viewing")] }, at: 3 });
  assert.deepEqual(p.othersOnCell("a"), [li("viewing")]);
  assert.deepEqual(changes.map((c) => [c.cases, c.cells, c.error]), [[[7], [], null], [[7], [], null], [[], ["a"], null]]);
});

test("a refusal is told to the page", () => {
  const { socket, changes, p } = rig();
  socket.connect();
  p.open(99);
  const refusal = { ok: false, error: "unknown_case", message: "no case 99" };
  socket.sent[0].ack(refusal);
  assert.deepEqual(changes, [{ cases: [], cells: [], error: refusal }]);
  assert.deepEqual(p.lastError, refusal);
});

test("a page's starting state merges like any update", () => {
  const { p, changes } = rig();
  p.load({ you: "li", case: 7, cell: "a", people: [zhang("editing"), li("viewing")], at: 5 });
  assert.deepEqual(p.othersOn(7), [zhang("editing")]);
  assert.equal(changes.length, 1);
});

test("stop leaves the socket alone", () => {
  const { socket, timers, changes, p } = rig();
  p.stop();
  assert.deepEqual(timers.periods(), []);
  socket.connect();
  socket.fire("presence", { case: 7, people: [li("viewing")], at: 1 });
  assert.deepEqual(socket.sent, []);
  assert.deepEqual(changes, []);
});

test("updates before the first answer are drawn again once this screen knows its user", () => {
  const { socket, changes, p } = rig();
  socket.connect();
  p.open(7);
  // The server tells the room (this screen included) before it answers this screen.
  socket.fire("presence", { case: 7, people: [li("viewing"), zhang("viewing")], at: 2 });
  socket.fire("presence", { cells: { a: [zhang("viewing")] }, at: 2 });
  assert.deepEqual(p.othersOn(7).map((x) => x.user), ["li", "zhang"]);
  socket.sent[0].ack({ ok: true, you: "zhang", ttl: 90, case: 7, people: [li("viewing"), zhang("viewing")], at: 2 });
  assert.deepEqual(changes.at(-1), { cases: [7], cells: ["a"], error: null });
  assert.deepEqual(p.othersOn(7), [li("viewing")]);
  assert.deepEqual(p.othersOnCell("a"), []);
});

test("a page that knows its user says so from the start", () => {
  const { p } = rig({ you: "zhang" });
  p.load({ case: 7, people: [zhang("editing"), li("viewing")], at: 1 });
  assert.deepEqual(p.othersOn(7), [li("viewing")]);
});
