/* 泉心愿 on the wall (assets/gridcc/qxypanel.js): the map mode's bins, the items per cell,
 * and what the panel shows, with the server's bins and words (dashboard/qxy_wall.py,
 * dashboard/words_qxy_counts.py) when Python is there. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const path = require("node:path");
const P = require("../../assets/gridcc/qxypanel.js");

function fromServer() {
  const python = path.join(__dirname, "..", "..", ".venv", "bin", "python");
  try {
    const code = "import json; from dashboard.qxy_wall import map_mode;"
      + " from dashboard.i18n import labels; w = labels('zh');"
      + " print(json.dumps({'mode': map_mode(w), 'words': w}))";
    return JSON.parse(execFileSync(python, ["-c", code], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" }));
  } catch (e) {
    return {
      mode: { bins: [1, 3, 6], colors: ["#152536", "#2a7f8a", "#c9a227", "#e0603a"] },
      words: { qxc_open: "待认领", qxc_unsolved: "待解决", qxc_total_all: "累计 {n}",
        qxc_volunteers: "志愿者", qxc_n_of_m: "{n}/{m}人", qxc_reported: "反馈{r}",
        qxc_no_calls: "暂无招募中的志愿活动", qxc_more_calls: "另有{n}项招募中", qxc_resources: "资源清单" }
    };
  }
}

const SERVER = fromServer();
const BINS = SERVER.mode.bins;

test("a count's bin: none, then each bin from its lower bound", () => {
  assert.equal(BINS.length + 1, SERVER.mode.colors.length); // a colour per bin
  assert.deepEqual([0, 1, 2, 3, 5, 6, 60].map((n) => P.binOf(n, BINS)), [0, 1, 1, 2, 2, 3, 3]);
});

test("a community or street adds its cells up before it is binned", () => {
  // cells: 1, 1, 0, 4 → shapes 0 (cells 0, 1) = 2, 1 (cells 2, 3) = 4
  assert.deepEqual(P.binLevel([1, 1, 0, 4], [0, 0, 1, 1], 2, BINS), [1, 2]);
  assert.deepEqual(P.binLevel([1, 1, 0, 4], null, 4, BINS), [1, 1, 0, 2]);
});

test("Cells adds each cell's wishes, calls and problems; says when anything changed", () => {
  const cells = new P.Cells();
  assert.equal(cells.load({ cells: { a: [1, 0, 2], b: [0, 0, 0] } }), true);
  assert.deepEqual(cells.values(["a", "b", "c"]), [3, 0, 0]);
  assert.equal(cells.load({ cells: { a: [0, 1, 2] } }), false); // the same total
  assert.equal(cells.load({ cells: { a: [0, 1, 2], c: [1, 0, 0] } }), true);
  assert.deepEqual(cells.values(["a", "b", "c"]), [3, 0, 1]);
  assert.equal(cells.load({}), true);
  assert.deepEqual(cells.values(["a"]), [0]);
});

test("the panel's view: this month, all time, calls filling up as n of m", () => {
  const view = P.panelView({
    month: { wishes_fulfilled: 1234, wishes_open: 5, problems_solved: 3, problems_open: 4,
      teams: 321, volunteers: 4000, units: 1208, calls_filling: 6 },
    all: { wishes_fulfilled: 6012, problems_solved: 1620 },
    filling: [{ id: 1, task: "<b>网格走访</b>", community: "姚家社区", signed: 7, wanted: 10, reported: 2 },
      { id: 2, task: "清扫", community: "甸柳社区", signed: 0, wanted: 4, reported: 0 }],
    filling_more: 4
  }, SERVER.words);
  assert.equal(view.figures.wishes.value, "1,234");
  assert.match(view.figures.wishes.sub, /5/);
  assert.match(view.figures.wishes.sub, /6,012/);
  assert.match(view.figures.problems.sub, /1,620/);
  assert.equal(view.figures.teams.value, "321");
  assert.equal(view.figures.units.value, "1,208");
  assert.equal(view.callsCount, "6");
  assert.equal(view.calls[0].task, "<b>网格走访</b>"); // text, set as textContent
  assert.equal(view.calls[0].count, SERVER.words.qxc_n_of_m.replace("{n}", "7").replace("{m}", "10"));
  assert.equal(view.calls[0].share, 0.7);
  assert.notEqual(view.calls[0].reported, "");
  assert.equal(view.calls[1].reported, "");
  assert.match(view.more, /4/);
  assert.equal(view.empty, "");
});

test("the panel's view with nothing yet", () => {
  const view = P.panelView({ month: {}, all: {}, filling: [], filling_more: 0 }, SERVER.words);
  assert.equal(view.figures.wishes.value, "0");
  assert.equal(view.empty, SERVER.words.qxc_no_calls);
  assert.equal(view.more, "");
});
