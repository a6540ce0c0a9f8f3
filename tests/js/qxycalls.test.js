/* 微志愿's pure parts (assets/gridcc/qxycalls.js): the "n of m signed up, k reported" text
 * and its bar, the check-in window, a datetime-local value read as the district's time,
 * times shown in Asia/Shanghai, and an event's numbers applied to the calls shown. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const C = require("../../assets/gridcc/qxycalls.js");
const Q = require("../../assets/gridcc/qxyframe.js");

const EN = { call_progress: "{n} of {m} signed up, {k} reported" };
const ZH = { call_progress: "{n}/{m} 人已报名，{k} 人已上传" };
const t = (words) => (key, values) => Q.fill(words[key] || key, values);

test("the progress text in both languages", () => {
  const call = { signed: 7, wanted: 10, reported: 2 };
  assert.equal(C.progress(t(EN), call), "7 of 10 signed up, 2 reported");
  assert.equal(C.progress(t(ZH), call), "7/10 人已报名，2 人已上传");
  assert.equal(C.progress(t(EN), { signed: 0, wanted: 3, reported: 0 }), "0 of 3 signed up, 0 reported");
});

test("the bar: signed and reported as percents of wanted, never past 100", () => {
  assert.deepEqual(C.percent({ signed: 7, wanted: 10, reported: 2 }), { signed: 70, reported: 20 });
  assert.deepEqual(C.percent({ signed: 3, wanted: 3, reported: 1 }), { signed: 100, reported: 33 });
  assert.deepEqual(C.percent({ signed: 5, wanted: 0, reported: 0 }), { signed: 100, reported: 0 });
});

test("the check-in window: an hour before the start to the end", () => {
  const starts = "2026-12-01T09:00:00+08:00", ends = "2026-12-01T12:00:00+08:00";
  const at = (iso) => C.windowState(starts, ends, 3600e3, Date.parse(iso));
  assert.equal(at("2026-12-01T07:59:00+08:00"), "before");
  assert.equal(at("2026-12-01T08:00:00+08:00"), "open");
  assert.equal(at("2026-12-01T12:00:00+08:00"), "open");
  assert.equal(at("2026-12-01T12:00:01+08:00"), "after");
});

test("a datetime-local value is the district's local time", () => {
  assert.equal(C.localInput("2026-12-01T09:00", "+08:00"), "2026-12-01T09:00:00+08:00");
  assert.equal(C.localInput("2026-12-01T09:00:30", "+08:00"), "2026-12-01T09:00:30+08:00");
  assert.equal(C.localInput("", "+08:00"), "");
  assert.equal(C.localInput("tomorrow", "+08:00"), "");
  // A default start: on the hour, in the district's time.
  assert.equal(C.inputAt(Date.parse("2026-11-30T02:40:00Z"), 24, 480), "2026-12-01T10:00");
});

test("times as the district reads them", () => {
  assert.equal(C.when("2026-12-01T01:00:00Z", "Asia/Shanghai"), "12-01 09:00");
  assert.equal(C.span("2026-12-01T01:00:00Z", "2026-12-01T04:00:00Z", "Asia/Shanghai"), "12-01 09:00 – 12:00");
  assert.equal(C.span("2026-12-01T15:00:00Z", "2026-12-01T17:00:00Z", "Asia/Shanghai"), "12-01 23:00 – 12-02 01:00");
  assert.equal(C.when(null, "Asia/Shanghai"), "");
});

test("an event's numbers move the call's bar; others are ignored", () => {
  const byId = { 4: { id: 4, signed: 1, wanted: 3, reported: 0, state: "open" } };
  const signup = { item_kind: "signup", item_id: 90, data: { call: 4, signed: 3, wanted: 3, reported: 0, state: "full" } };
  assert.equal(C.applyEvent(byId, signup), 4);
  assert.deepEqual(byId[4], { id: 4, signed: 3, wanted: 3, reported: 0, state: "full" });
  const report = { item_kind: "signup", item_id: 91, data: { call: 4, signed: 3, wanted: 3, reported: 1, state: "full", photos: 1 } };
  C.applyEvent(byId, report);
  assert.equal(byId[4].reported, 1);
  const closed = { item_kind: "call", item_id: 4, data: { call: 4, signed: 3, wanted: 3, reported: 1, state: "done" } };
  assert.equal(C.applyEvent(byId, closed), 4);
  assert.equal(byId[4].state, "done");
  assert.equal(C.applyEvent(byId, { item_kind: "call", item_id: 5, data: { signed: 1 } }), null);
  assert.equal(C.applyEvent(byId, { item_kind: "wish", item_id: 4, data: {} }), null);
});

