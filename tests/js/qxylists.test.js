/* The three lists' tab (assets/gridcc/qxylists.js): a suggestion's reasons in the page's
 * words, the states' looks, which events it reads again for, the forms' bodies. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const L = require("../../assets/gridcc/qxylists.js");
const { fill } = require("../../assets/gridcc/qxyframe.js");

const WORDS = {
  lists_why_same_category: "同类：{category}",
  lists_why_unit_offers_category: "单位可提供{category}（资源属{resource_category}）",
  lists_why_same_community: "同社区",
  lists_why_capacity_enough: "容量 {capacity} ≥ 需求 {quantity}",
  lists_why_capacity_partial: "容量 {capacity} < 需求 {quantity}，部分满足"
};
const t = (key, values) => fill(Object.prototype.hasOwnProperty.call(WORDS, key) ? WORDS[key] : key, values);
const NAMES = { elder: "助老", legal: "法律" };
const name = (code) => NAMES[code] || code;
const LIMITS = { title: 128, text: 2000, amount: 10000 };

test("reasons read as the screens say them, categories by name", () => {
  const reasons = [
    { code: "same_category", points: 100, values: { category: "elder" } },
    { code: "same_community", points: 30, values: { community: "甲社区" } },
    { code: "capacity_enough", points: 30, values: { capacity: 10, quantity: 6 } }
  ];
  assert.deepEqual(reasons.map((r) => L.reasonText(r, t, name)), ["同类：助老", "同社区", "容量 10 ≥ 需求 6"]);
  const other = { code: "unit_offers_category", values: { category: "elder", resource_category: "legal" } };
  assert.equal(L.reasonText(other, t, name), "单位可提供助老（资源属法律）");
  assert.equal(L.reasonText({ code: "capacity_partial", values: { capacity: 3, quantity: 6 } }, t, name),
    "容量 3 < 需求 6，部分满足");
  // A reason the page has no words for shows its key, never nothing.
  assert.equal(L.reasonText({ code: "new_rule", values: {} }, t, name), "lists_why_new_rule");
});

test("states look as the config says; an unknown one looks gone", () => {
  const looks = { need: { open: "open", matched: "going" }, project: { done: "done" } };
  assert.equal(L.stateClass(looks, "need", "matched"), "qx-state qx-s-going");
  assert.equal(L.stateClass(looks, "project", "done"), "qx-state qx-s-done");
  assert.equal(L.stateClass(looks, "need", "odd"), "qx-state qx-s-gone");
  assert.equal(L.stateClass(undefined, "resource", "available"), "qx-state qx-s-gone");
});

test("only the lists' events make the tab read again", () => {
  for (const kind of ["need", "resource", "project"]) assert.equal(L.relevant({ seq: 1, item_kind: kind }), true);
  for (const kind of ["wish", "call", "problem", "signup"]) assert.equal(L.relevant({ seq: 1, item_kind: kind }), false);
  assert.equal(L.relevant(null), false);
});

test("a form's fields become the body, or the field that is wrong", () => {
  assert.deepEqual(
    L.formBody("need", { category: "elder", title: "  陪护 ", quantity: "6", text: "<b>x</b>", cell_code: "370102009001003" }, LIMITS),
    { body: { category: "elder", title: "陪护", text: "<b>x</b>", quantity: 6, cell_code: "370102009001003" } });
  assert.deepEqual(L.formBody("need", { category: "elder", title: "t", quantity: "1", cell_code: "" }, LIMITS).body,
    { category: "elder", title: "t", text: "", quantity: 1 });
  assert.deepEqual(L.formBody("resource", { category: "elder", title: "t", capacity: "12", cell_code: "x" }, LIMITS).body,
    { category: "elder", title: "t", text: "", capacity: 12 });
  assert.equal(L.formBody("need", { category: "", title: "t", quantity: "1" }, LIMITS).error, "lists_category");
  assert.equal(L.formBody("need", { category: "elder", title: "  ", quantity: "1" }, LIMITS).error, "lists_title");
  assert.equal(L.formBody("need", { category: "elder", title: "x".repeat(129), quantity: "1" }, LIMITS).error, "lists_title");
  for (const bad of ["0", "1.5", "", "abc", "10001"]) {
    assert.equal(L.formBody("need", { category: "elder", title: "t", quantity: bad }, LIMITS).error, "lists_quantity", bad);
  }
  assert.equal(L.formBody("resource", { category: "elder", title: "t", capacity: "-2" }, LIMITS).error, "lists_capacity");
  assert.equal(L.formBody("need", { category: "elder", title: "t", quantity: "1", text: "x".repeat(2001) }, LIMITS).error, "lists_text");
});

test("progress moves forward only; a cell is named by its number", () => {
  assert.deepEqual(L.progressChoices(0, [25, 50, 75, 100]), [25, 50, 75, 100]);
  assert.deepEqual(L.progressChoices(50, [25, 50, 75, 100]), [75, 100]);
  assert.deepEqual(L.progressChoices(100, [25, 50, 75, 100]), []);
  assert.equal(L.cellLabel("370102009001007"), "7");
  assert.equal(L.cellLabel("370102009001012"), "12");
});
