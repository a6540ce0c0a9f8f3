/* 微治理's pure parts (assets/gridcc/qxyproblems.js): the phone's report id, the steps a
 * state allows (from the page's config), the desk's counts, the case's line, the upload's
 * body or what it misses, a photo's size. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const P = require("../../assets/gridcc/qxyproblems.js");

const WORDS = {
  problem_case: "案件 #{id}",
  problem_case_state: "案件 #{id} · {state}",
  problem_note: "社区答复：{note}",
  problem_reason: "原因：{note}"
};
function t(key, values) {
  return String(WORDS[key] || key).replace(/\{(\w+)\}/g, (all, k) => (k in values ? String(values[k]) : all));
}

test("a report id is made of the characters the server takes, and differs per draft", () => {
  const a = P.reportId(1764468000000, 0.25), b = P.reportId(1764468000001, 0.25);
  assert.match(a, /^[A-Za-z0-9._:-]{1,64}$/);
  assert.notEqual(a, b);
  assert.equal(P.reportId(1764468000000, 0.25), a);
  assert.match(P.reportId(Date.now()), /^p-[0-9a-z]+-[0-9a-z]+$/);
});

test("the steps come from the config's table; unknown states allow none", () => {
  const table = { new: ["accept", "reject", "to-case"], handling: ["solve", "reject", "to-case"], solved: [] };
  assert.deepEqual(P.actionsFor(table, "new"), ["accept", "reject", "to-case"]);
  assert.deepEqual(P.actionsFor(table, "solved"), []);
  assert.deepEqual(P.actionsFor(table, "bogus"), []);
  assert.deepEqual(P.actionsFor(undefined, "new"), []);
  const copy = P.actionsFor(table, "new");
  copy.push("x");
  assert.equal(table.new.length, 3); // a copy: the table stays
});

test("counts by state over the states named", () => {
  const list = [{ state: "new" }, { state: "new" }, { state: "solved" }, { state: "odd" }];
  assert.deepEqual(P.countByState(list, ["new", "handling", "solved"]), { new: 2, handling: 0, solved: 1 });
  assert.deepEqual(P.countByState(null, ["new"]), { new: 0 });
});

test("the case's line: its id and live status, or nothing", () => {
  const statuses = { dispatched: "已派遣" };
  assert.equal(P.caseLine({ case_id: 12, case_status: "dispatched" }, t, statuses), "案件 #12 · 已派遣");
  assert.equal(P.caseLine({ case_id: 12, case_status: "odd" }, t, statuses), "案件 #12 · odd");
  assert.equal(P.caseLine({ case_id: 12, case_status: null }, t, statuses), "案件 #12");
  assert.equal(P.caseLine({ case_id: null }, t, statuses), "");
});

test("the community's answer, worded by state", () => {
  assert.equal(P.noteLine({ state: "solved", note: "<b>ok</b>" }, t), "社区答复：<b>ok</b>");
  assert.equal(P.noteLine({ state: "rejected", note: "私人区域" }, t), "原因：私人区域");
  assert.equal(P.noteLine({ state: "new", note: "" }, t), "");
});

test("state classes and local times", () => {
  assert.equal(P.stateClass("new"), "qx-state qx-s-open");
  assert.equal(P.stateClass("solved"), "qx-state qx-s-done");
  assert.equal(P.stateClass("nope"), "qx-state ");
  assert.equal(P.when("2026-11-30T02:05:00+00:00"), "11-30 10:05");
  assert.equal(P.when("not a time"), "");
});


test("the upload's body, or the word for what is missing", () => {
  const draft = { category: "", text: "x", position: null, photos: ["data:a"], reportId: "p-1" };
  assert.deepEqual(P.uploadBody(draft, "wgs84"), { missing: "problem_need_category" });
  draft.category = "noise";
  draft.text = "   ";
  assert.deepEqual(P.uploadBody(draft, "wgs84"), { missing: "problem_need_text" });
  draft.text = "太吵";
  assert.deepEqual(P.uploadBody(draft, "wgs84"), { missing: "problem_need_position" });
  draft.position = { lon: 117.05, lat: 36.66 };
  const made = P.uploadBody(draft, "wgs84").body;
  assert.deepEqual(made, {
    category: "noise", text: "太吵", lon: 117.05, lat: 36.66, crs: "wgs84", report_id: "p-1", photos: ["data:a"]
  });
  made.photos.push("b");
  assert.equal(draft.photos.length, 1);
});
