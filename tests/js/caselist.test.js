/* The desks' lists (assets/gridcc/caselist.js): places, queries, ticks, undo, answers. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const L = require("../../assets/gridcc/caselist.js");
const { withQuery } = require("../../assets/gridcc/http.js");
const { loadLog } = require("./harness.js");

const rules = loadLog().rules;

// Three cells in two communities of one street, as the page's config gives levels.
const levels = {
  cell: { codes: ["c1", "c2", "c3"], names: ["格1", "格2", "格3"], ofCell: null },
  community: { codes: ["m1", "m2"], names: ["社区1", "社区2"], ofCell: [0, 1, 1] },
  street: { codes: ["s1"], names: ["街道1"], ofCell: [0, 0, 0] }
};
const cellCodes = ["c1", "c2", "c3"];

test("words take their numbers", () => {
  assert.equal(L.fill("已选 {n} 件", { n: 3 }), "已选 3 件");
  assert.equal(L.fill("{n} reassigned to {dept}", { n: 2, dept: "市政" }), "2 reassigned to 市政");
  assert.equal(L.fill("{missing} stays", {}), "{missing} stays");
});

test("a click chooses one shape; Ctrl-click adds and removes on the same level", () => {
  let place = L.clickPlace(null, "cell", "c1", "格1", false);
  assert.deepEqual(place, { level: "cell", codes: ["c1"], names: ["格1"] });
  place = L.clickPlace(place, "cell", "c2", "格2", true);
  assert.deepEqual(place.codes, ["c1", "c2"]);
  place = L.clickPlace(place, "cell", "c1", "格1", true);
  assert.deepEqual(place, { level: "cell", codes: ["c2"], names: ["格2"] });
  assert.equal(L.clickPlace(place, "cell", "c2", "格2", true), null); // the last one leaves
  // A plain click, or a click on another level, starts again.
  assert.deepEqual(L.clickPlace(place, "cell", "c3", "格3", false).codes, ["c3"]);
  assert.deepEqual(L.clickPlace(place, "street", "s1", "街道1", true), { level: "street", codes: ["s1"], names: ["街道1"] });
});

test("a box chooses the shapes under it, named from the config", () => {
  assert.deepEqual(L.boxPlace(levels, "community", ["m2", "m1"]), {
    level: "community", codes: ["m2", "m1"], names: ["社区2", "社区1"]
  });
  assert.equal(L.boxPlace(levels, "cell", []), null);
  assert.equal(L.boxPlace(levels, "cell", ["nowhere"]), null);
});

test("a place covers its cells: a community's, a street's", () => {
  assert.deepEqual(L.cellsOf(levels, cellCodes, { level: "cell", codes: ["c3"] }), ["c3"]);
  assert.deepEqual(L.cellsOf(levels, cellCodes, { level: "community", codes: ["m2"] }), ["c2", "c3"]);
  assert.deepEqual(L.cellsOf(levels, cellCodes, { level: "street", codes: ["s1"] }), cellCodes);
  assert.equal(L.cellsOf(levels, cellCodes, null), null);
});

test("a list's query names its place, its filters, its order and its page", () => {
  const place = { level: "cell", codes: ["370102001001001", "370102001001002"] };
  const q = L.listQuery(place, { category: "SR01", department: "", risk: "at_risk,overdue" },
    { key: "created", order: "desc" }, 50, 50, "en");
  assert.equal(
    withQuery("/api/cases", q),
    "/api/cases?cell=370102001001001,370102001001002&category=SR01&risk=at_risk,overdue" +
      "&sort=created&order=desc&offset=50&limit=50&lang=en"
  );
  // Communities and streets by their own names; no place: the whole view.
  assert.deepEqual(L.listQuery({ level: "street", codes: ["370102001"] }, {}, null, 0, 20).street, ["370102001"]);
  const whole = L.listQuery(null, { status: "accepted" }, { key: "nonsense" }, -5, 20);
  assert.deepEqual(whole, { status: ["accepted"], sort: "deadline", order: "asc", offset: 0, limit: 20 });
  // The street / community filter applies where no shapes are chosen on the map.
  assert.deepEqual(L.listQuery(null, { place: "community:370102001001" }, null, 0, 20).community, ["370102001001"]);
  const both = L.listQuery({ level: "cell", codes: ["1"] }, { place: "street:370102001" }, null, 0, 20);
  assert.deepEqual([both.cell, both.street], [["1"], undefined]);
  assert.equal(L.listQuery(null, { place: "bogus" }, null, 0, 20).street, undefined);
});

test("a header sorts by its column, then turns the order", () => {
  let sort = L.nextSort({ key: "deadline", order: "asc" }, "created");
  assert.deepEqual(sort, { key: "created", order: "asc" });
  sort = L.nextSort(sort, "created");
  assert.deepEqual(sort, { key: "created", order: "desc" });
  assert.deepEqual(L.nextSort(sort, "created"), { key: "created", order: "asc" });
});

test("the pager says which rows are shown and whether more follow", () => {
  const rows = (n) => Array.from({ length: n }, (_, i) => ({ id: i }));
  assert.deepEqual(L.pageSpan({ cases: rows(50), total: 132, offset: 50, capped: false }),
    { from: 51, to: 100, total: "132", hasPrev: true, hasNext: true });
  assert.deepEqual(L.pageSpan({ cases: rows(32), total: 132, offset: 100, capped: false }),
    { from: 101, to: 132, total: "132", hasPrev: true, hasNext: false });
  assert.equal(L.pageSpan({ cases: rows(50), total: 10001, offset: 0, capped: true }).total, "10000+");
  assert.deepEqual(L.pageSpan({ cases: [], total: 0, offset: 0, capped: false }),
    { from: 0, to: 0, total: "0", hasPrev: false, hasNext: false });
});

test("a row's risk moves with the clock, by the server's rules", () => {
  const row = { risk_at: [100, 160, 200] };
  assert.deepEqual([50, 100, 170, 200, 9999].map((t) => L.rowRisk(row, t, rules)),
    ["ok", "watch", "at_risk", "overdue", "overdue"]);
  assert.equal(L.rowRisk({ risk_at: [null, null, 10] }, 5, rules), "ok");
});

test("ticks keep the version each row showed when it was ticked, page by page", () => {
  const page = [{ id: 7, version: 3 }, { id: 2, version: 5 }, { id: 9, version: 1 }];
  const sel = new L.Selection();
  assert.equal(sel.pageState(page), "none");
  sel.toggle(page[0]);
  assert.equal(sel.pageState(page), "some");
  sel.setPage(page, true);
  assert.equal(sel.pageState(page), "all");
  assert.deepEqual(sel.items(), [
    { id: 2, expected_version: 5 }, { id: 7, expected_version: 3 }, { id: 9, expected_version: 1 }
  ]);
  sel.toggle(page[1], false);
  assert.equal(sel.size(), 2);
  // Read again: case 7 moved on (version 4) and case 9 left the list. Case 7 keeps the
  // version it was ticked at: an action on it is refused with who changed it, not forced.
  assert.deepEqual(sel.refresh([{ id: 7, version: 4 }, { id: 2, version: 5 }]), [7]);
  assert.deepEqual(sel.items(), [{ id: 7, expected_version: 3 }]);
  sel.setPage(page, false);
  assert.equal(sel.size(), 0);
});

test("a bulk answer is split into the done rows and the refusals with who changed them", () => {
  const out = L.outcome({
    action: "reassign", done: 1, results: [
      { id: 1, ok: true, seq: 40, case: { id: 1, version: 6 } },
      { id: 2, ok: false, error: "conflict", message: "changed", changed_by: "张三 · 值班员" }
    ]
  });
  assert.deepEqual(out.done, [{ id: 1, version: 6 }]);
  assert.deepEqual(out.refused.map((r) => [r.id, r.changed_by]), [[2, "张三 · 值班员"]]);
  assert.deepEqual(L.outcome(null), { done: [], refused: [] });
});

test("the undo window runs from the reassign's time on the server, for the server's length", () => {
  const at = "2026-11-25T10:00:00+08:00";
  const start = Date.parse(at);
  const done = [
    { id: 4, version: 8, updated_at: "2026-11-25T10:00:01+08:00" },
    { id: 3, version: 5, updated_at: at }
  ];
  const undo = new L.UndoWindow(done, 120000, 0);
  assert.equal(undo.startMs, start);
  assert.equal(undo.secondsLeft(start + 500), 119);
  assert.ok(undo.isOpen(start + 119999));
  assert.ok(!undo.isOpen(start + 120000));
  assert.equal(undo.leftMs(start + 500000), 0);
  assert.deepEqual(undo.items(), [{ id: 4, expected_version: 8 }, { id: 3, expected_version: 5 }]);
  // Nothing done: nothing to undo; rows without a time count from when the answer came.
  assert.ok(!new L.UndoWindow([], 120000, start).isOpen(start));
  assert.equal(new L.UndoWindow([{ id: 1, version: 2 }], 120000, start).secondsLeft(start), 120);
  // A margin for this screen's knowledge of the server's clock: it closes that much earlier.
  const careful = new L.UndoWindow(done, 120000, 0, 2000);
  assert.ok(careful.isOpen(start + 117999) && !careful.isOpen(start + 118000));
});
