/* The map's bookkeeping (assets/gridcc/mapdiff.js): what changed, and one paint in flight. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const D = require("../../assets/gridcc/mapdiff.js");

test("a recolour touches only the shapes whose value changed", () => {
  const codes = ["a", "b", "c"], last = {};
  assert.deepEqual(D.diff(codes, [0, 2, 0], last), [["a", 0], ["b", 2], ["c", 0]]);
  assert.deepEqual(D.diff(codes, [0, 2, 0], last), []);
  assert.deepEqual(D.diff(codes, [1, 2, 0], last), [["a", 1]]);
  assert.deepEqual(last, { a: 1, b: 2, c: 0 });
});

test("open cases add up per shape; risk takes the worst", () => {
  const ofCell = [0, 0, 1, 1, 1];
  assert.deepEqual(D.perLevel([1, 2, 0, 3, 1], ofCell, 2, false), [3, 4]);
  assert.deepEqual(D.perLevel([1, 2, 0, 3, 1], ofCell, 2, true), [2, 3]);
  const cells = [4, 5];
  assert.notEqual(D.perLevel(cells, null, 2, false), cells); // a copy, never the caller's
});

test("flags change only on shapes entering or leaving the set", () => {
  assert.deepEqual(D.flagChanges(new Set(["a", "b"]), new Set(["b", "c"])), [["a", false], ["c", true]]);
  assert.deepEqual(D.flagChanges(new Set(["a"]), null), [["a", false]]);
});

test("the paint log keeps the newest entries", () => {
  const log = [];
  for (let i = 1; i <= 7; i++) D.record(log, { seq: i }, 5);
  assert.deepEqual(log.map((e) => e.seq), [3, 4, 5, 6, 7]);
});

function pacer(now = () => 0) {
  const frames = [], draws = [];
  let resets = 0;
  const p = new D.Pacer({
    draw: (done) => { draws.push(done); return true; },
    later: (fn) => frames.push(fn),
    reset: () => { resets += 1; }
  }, 1000, now);
  const frame = () => { const fns = frames.splice(0); fns.forEach((fn) => fn()); };
  return { p, frames, draws, frame, resets: () => resets };
}

test("one paint in flight; changes meanwhile make exactly one more paint", () => {
  const { p, draws, frame, frames } = pacer();
  p.changed(); p.changed();
  assert.equal(frames.length, 1); // one frame asked, however many changes
  frame();
  assert.equal(draws.length, 1);
  p.changed(); p.changed(); p.changed();
  frame();
  assert.equal(draws.length, 1); // the first is still in flight
  draws[0]();
  frame();
  assert.equal(draws.length, 2); // all three merged into one
  draws[1]();
  frame();
  assert.equal(draws.length, 2);
});

test("nothing to draw ends the paint at once", () => {
  const frames = [];
  let calls = 0;
  const p = new D.Pacer({ draw: () => { calls += 1; return false; }, later: (fn) => frames.push(fn), reset() {} }, 1000);
  p.changed(); frames.shift()();
  p.changed(); frames.shift()();
  assert.equal(calls, 2);
});

test("a paint that never settles is abandoned by the watchdog and everything is painted again", () => {
  let t = 0;
  const { p, draws, frame, resets } = pacer(() => t);
  p.changed(); frame();
  t = 500;
  assert.equal(p.watchdog(), false);
  t = 1500;
  assert.equal(p.watchdog(), true);
  assert.equal(resets(), 1);
  frame();
  assert.equal(draws.length, 2);
  draws[0](); // the abandoned paint settles late: it must not end the new one
  assert.equal(p.inFlight, true);
  draws[1]();
  assert.equal(p.inFlight, false);
});
