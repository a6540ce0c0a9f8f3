/* The operators' queue, its pure parts (assets/gridcc/deskqueue.js), on rows as the server
 * sends them (tests/js/fixtures/desk.json). */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const Q = require("../../assets/gridcc/deskqueue.js");

const desk = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "desk.json"), "utf8"));
const keys = desk.actionKeys;
const rows = desk.queue;
const key = (k, mods = {}) => Q.command({ key: k, ...mods }, keys);

test("keys: moves, opening, the filter, the help, and the page's action keys", () => {
  assert.deepEqual([key("j"), key("ArrowDown"), key("k"), key("ArrowUp")].map((c) => c.move), ["down", "down", "up", "up"]);
  assert.deepEqual([key("Enter").move, key("/").move, key("?").move, key("Escape").move], ["open", "filter", "help", "escape"]);
  assert.deepEqual([key("[").move, key("]").move], ["dupPrev", "dupNext"]);
  assert.deepEqual(key("f"), { key: keys.f });
  assert.deepEqual(["f", "d", "v", "m"].map((k) => key(k).key.action), ["file", "dispatch", "void", "merge"]);
  assert.equal(key("f", { ctrlKey: true }), null, "Ctrl+F is the browser's");
  assert.equal(key("d", { metaKey: true }), null);
  assert.equal(key("x"), null);
  assert.equal(key("F"), null, "keys are exact");
});

test("every action a key names is one the workflow has", () => {
  const names = desk.actions.zh.map((a) => a.name);
  Object.values(keys).forEach((b) => assert.ok(names.includes(b.action), b.action));
});

test("what a key fills in: the row's suggested department, the selected duplicate", () => {
  const filed = rows.find((r) => r.status === "filed");
  assert.deepEqual(Q.keyValues(keys.d, filed, null), { values: { department: filed.suggested_department } });
  assert.deepEqual(Q.keyValues(keys.f, filed, null), { values: {} });
  assert.deepEqual(Q.keyValues(keys.m, filed, { id: 4 }), { values: { into: 4 } });
  assert.deepEqual(Q.keyValues(keys.m, filed, undefined), { lacking: "duplicate" });
  assert.deepEqual(Q.keyValues(keys.v, filed, null), { values: {} });
});

test("the filter keeps rows matching every word, by number, kind, place or words", () => {
  assert.equal(Q.filter(rows, "").length, rows.length);
  assert.equal(Q.filter(rows, "   ").length, rows.length);
  assert.deepEqual(Q.filter(rows, "井盖").map((r) => r.id), [1]);
  assert.deepEqual(Q.filter(rows, "退回").map((r) => r.status), ["returned"]);
  assert.deepEqual(Q.filter(rows, "历山路 垃圾满溢").map((r) => r.id), [2]);
  assert.deepEqual(Q.filter(rows, "历山路 不存在").map((r) => r.id), []);
  assert.deepEqual(Q.filter(rows, String(rows[2].id)).map((r) => r.id).includes(rows[2].id), true);
  assert.deepEqual(Q.filter(rows, rows[0].street_name).length, rows.length);
});

test("a re-read keeps the selected case; once it has left, the oldest waiting is next", () => {
  assert.equal(Q.keepSelection(rows, rows[1].id), rows[1].id);
  assert.equal(Q.keepSelection(rows.slice(1), rows[0].id), rows[1].id, "the row left: the oldest");
  assert.equal(Q.keepSelection(rows, null), rows[0].id);
  assert.equal(Q.keepSelection([], rows[0].id), null);
});

test("moving stops at the ends", () => {
  assert.equal(Q.move(rows, rows[0].id, 1), rows[1].id);
  assert.equal(Q.move(rows, rows[0].id, -1), rows[0].id);
  assert.equal(Q.move(rows, rows[2].id, 1), rows[2].id);
  assert.equal(Q.move(rows, 999, 1), rows[0].id);
  assert.equal(Q.move([], 1, 1), null);
});

test("the header counts the cases waiting in each state and the longest wait", () => {
  const c = Q.counts(rows);
  assert.deepEqual(c.byStatus.map((s) => [s.status, s.label, s.n]), [["reported", "上报", 1], ["filed", "立案", 1], ["returned", "退回", 1]]);
  assert.equal(c.oldest, rows.map((r) => r.updated_at).sort()[0]);
  assert.deepEqual(Q.counts([]), { byStatus: [], oldest: null });
});
