/* 微心愿's tab (assets/gridcc/qxywishes.js): a wish's state and date as shown, the steps each
 * page offers, a unit's list in two, the live events that concern the tab, photos' sizes. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const W = require("../../assets/gridcc/qxywishes.js");

test("each state has its chip", () => {
  assert.equal(W.stateClass("open"), "qx-state qx-s-open");
  assert.equal(W.stateClass("claimed"), "qx-state qx-s-going");
  assert.equal(W.stateClass("fulfilled"), "qx-state wi-s-fulfilled");
  assert.equal(W.stateClass("confirmed"), "qx-state qx-s-done");
  assert.equal(W.stateClass("withdrawn"), "qx-state qx-s-gone");
  assert.equal(W.stateClass("<b>"), "qx-state ");
});

test("the due date from today: days left, today, past due", () => {
  assert.deepEqual(W.dueInfo("2026-12-03", "2026-11-30"), { key: "wish_due_days", n: 3 });
  assert.deepEqual(W.dueInfo("2026-11-30", "2026-11-30"), { key: "wish_due_today", n: 0 });
  assert.deepEqual(W.dueInfo("2026-11-28", "2026-11-30"), { key: "wish_overdue", n: 2 });
  assert.deepEqual(W.dueInfo("2027-01-01", "2026-12-31"), { key: "wish_due_days", n: 1 });
  assert.deepEqual(W.dueInfo("", "2026-11-30"), { key: "wish_due_on", n: 0 });
});

test("the steps each page offers", () => {
  const today = "2026-11-30";
  const w = (state, extra) => Object.assign({ state: state, due: "2026-12-01" }, extra || {});
  assert.deepEqual(W.actionsFor("community", w("open")), ["withdraw"]);
  assert.deepEqual(W.actionsFor("community", w("claimed")), ["release", "withdraw"]);
  assert.deepEqual(W.actionsFor("community", w("fulfilled")), ["confirm"]);
  assert.deepEqual(W.actionsFor("community", w("confirmed")), []);
  assert.deepEqual(W.actionsFor("unit", w("open"), today), ["claim"]);
  assert.deepEqual(W.actionsFor("unit", w("open", { due: "2026-11-29" }), today), []);
  assert.deepEqual(W.actionsFor("unit", w("claimed", { mine: true }), today), ["fulfil"]);
  assert.deepEqual(W.actionsFor("unit", w("claimed"), today), []);
  assert.deepEqual(W.actionsFor("unit", w("fulfilled", { mine: true }), today), []);
  assert.deepEqual(W.actionsFor("public", w("open"), today), []);
});

test("a unit's list: open ones by date, then its own claims", () => {
  const parts = W.split([
    { id: 1, state: "open", due: "2026-12-05" },
    { id: 2, state: "claimed", mine: true, due: "2026-12-01" },
    { id: 3, state: "open", due: "2026-12-01" },
    { id: 4, state: "confirmed", mine: true, due: "2026-11-01" },
    { id: 5, state: "open", due: "2026-12-01" }
  ]);
  assert.deepEqual(parts.open.map((w) => w.id), [3, 5, 1]);
  assert.deepEqual(parts.mine.map((w) => w.id), [2, 4]);
  assert.deepEqual(W.split(null), { open: [], mine: [] });
});

test("how far a wish has come", () => {
  assert.deepEqual(["open", "claimed", "fulfilled", "confirmed", "withdrawn"].map(W.progress), [0, 1, 2, 3, -1]);
});

test("counts by state", () => {
  assert.deepEqual(W.counts([{ state: "open" }, { state: "open" }, { state: "claimed" }]), { open: 2, claimed: 1 });
  assert.deepEqual(W.counts([]), {});
});

test("only wish events concern the tab, the units' bare notice too", () => {
  assert.equal(W.concerns({ seq: 3, item_kind: "wish", kind: "wish.claim" }), true);
  assert.equal(W.concerns({ seq: 4, item_kind: "wish", kind: "changed" }), true);
  assert.equal(W.concerns({ seq: 5, item_kind: "call", kind: "call.sign_up" }), false);
  assert.equal(W.concerns(null), false);
});

test("a cell's number, a body's size", () => {
  assert.equal(W.cellNumber("370102009001007"), 7);
  assert.equal(W.cellNumber(""), 0);
  assert.equal(W.bodySize(["abc", "de"]), 5);
  assert.equal(W.bodySize(undefined), 0);
});
