/* The frame of 泉心愿's plain pages (assets/gridcc/qxyframe.js): its pure parts — the filter
 * that lets each live event through once, and the words' placeholders. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const Q = require("../../assets/gridcc/qxyframe.js");

test("seenFilter lets each sequence number through once", () => {
  const fresh = Q.seenFilter(10);
  assert.equal(fresh("5:wish.claim"), true);
  assert.equal(fresh("5:wish.claim"), false); // the same event from a second room
  assert.equal(fresh("5:changed"), true); // the units' bare notice of the same step
  assert.equal(fresh(6), true);
  assert.equal(fresh(6), false);
});

test("seenFilter forgets the oldest past its limit, and only those", () => {
  const fresh = Q.seenFilter(3);
  [1, 2, 3].forEach((n) => assert.equal(fresh(n), true));
  assert.equal(fresh(4), true); // 1 is forgotten now
  assert.equal(fresh(2), false);
  assert.equal(fresh(4), false);
  assert.equal(fresh(1), true); // seen again after being forgotten: let through
});

test("seenFilter without a limit remembers a thousand", () => {
  const fresh = Q.seenFilter();
  for (let i = 0; i < 1000; i++) assert.equal(fresh(i), true);
  assert.equal(fresh(0), false);
  assert.equal(fresh(1000), true);
  assert.equal(fresh(0), true);
});

test("fill puts values in the words' placeholders", () => {
  assert.equal(Q.fill("{n} of {m}", { n: 7, m: 10 }), "7 of 10");
  assert.equal(Q.fill("{n}/{m}人", { n: 0, m: 3 }), "0/3人");
  assert.equal(Q.fill("已报名 {n}，反馈 {n}", { n: 2 }), "已报名 2，反馈 2");
});

test("fill leaves unknown placeholders and text as they are", () => {
  assert.equal(Q.fill("{n} of {m}", { n: 7 }), "7 of {m}");
  assert.equal(Q.fill("{toString}", {}), "{toString}"); // no inherited property leaks in
  assert.equal(Q.fill("<b>{x}</b>", { x: "<i>" }), "<b><i></b>"); // text only; callers set textContent
  assert.equal(Q.fill(42, null), "42");
  assert.equal(Q.fill("{a-b} {}", { "a-b": 1 }), "{a-b} {}");
});

test("the address names the tab to open, if the page has it", () => {
  assert.equal(Q.tabFromHash("#calls", ["wishes", "calls"]), "calls");
  assert.equal(Q.tabFromHash("calls", ["wishes", "calls"]), "calls");
  assert.equal(Q.tabFromHash("#nope", ["wishes", "calls"]), null);
  assert.equal(Q.tabFromHash("", ["wishes"]), null);
});
