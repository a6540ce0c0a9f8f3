/* The case view's pure parts (assets/gridcc/casefmt.js) against what the server sends
 * (tests/js/fixtures/desk.json, recorded by tests/js/record_desk_fixtures.py). */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const F = require("../../assets/gridcc/casefmt.js");

const desk = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "desk.json"), "utf8"));
const zh = desk.config.zh, en = desk.config.en;
const W = zh.labels, WE = en.labels;
const actions = (lang) => Object.fromEntries(desk.actions[lang].map((a) => [a.name, a]));

test("times are read as the server wrote them (its local time), wherever the screen is", () => {
  assert.equal(F.localTime("2026-11-24T09:07:05+08:00"), "11-24 09:07");
  assert.equal(F.localTime("2026-11-24T09:07:05+08:00", true), "11-24 09:07:05");
  assert.equal(F.localTime(""), "");
  assert.equal(F.localTime("yesterday"), "yesterday");
});

test("durations in the page's words; a working-hours clock counts hours, not days", () => {
  assert.equal(F.duration(0.5, W), "30分钟");
  assert.equal(F.duration(3.2, W), "3小时12分");
  assert.equal(F.duration(27.5, W), "1天3小时");
  assert.equal(F.duration(27.5, W, false), "27小时30分");
  assert.equal(F.duration(-1.25, WE), "1 h 15 min");
  assert.equal(F.duration(0, WE), "0 min");
});

test("a waiting time grows every second, from when the case last moved", () => {
  const row = desk.queue[0];
  const since = Date.parse(row.updated_at);
  assert.equal(F.waiting(row.updated_at, since + 59_000, W), "0:00:59");
  assert.equal(F.waiting(row.updated_at, since + 60_000, W), "0:01:00");
  assert.equal(F.waiting(row.updated_at, since + (26 * 3600 + 5) * 1000, W), "1天 2:00:05");
  assert.equal(F.waiting(row.updated_at, since + (26 * 3600 + 5) * 1000, WE), "1 d 2:00:05");
  assert.equal(F.waiting(row.updated_at, since - 5000, W), "0:00:00", "a screen's clock behind the server's");
});

test("the clock counts down while its calendar runs, and stands still when it does not", () => {
  const sla = desk.sheets.reported.sla;
  assert.equal(sla.ticking, true);
  assert.equal(sla.left_hours, 6.93); // the recorded sheet's (re-record: tests/js/record_desk_fixtures.py)
  assert.equal(F.timeLeft(sla, 0, W).text, "剩余 6小时55分");
  const later = F.timeLeft(sla, 6 * 3600 * 1000, W);
  assert.equal(later.text, "剩余 55分钟");
  const past = F.timeLeft(sla, 8 * 3600 * 1000, W);
  assert.deepEqual([past.overdue, past.text], [true, "超时 1小时04分"]);
  const still = { ...sla, ticking: false };
  assert.equal(F.timeLeft(still, 8 * 3600 * 1000, W).text, "剩余 6小时55分");
  assert.equal(F.timeLeft({ ...sla, open: false }, 0, W).text, W.cv_clock_done);
  const working = { ...sla, working_hours: true, left_hours: 30 };
  assert.equal(F.timeLeft(working, 0, WE).text, "30 h 00 min left");
});

test("risk moves with time through the server's levels, coloured as on the wall's map", () => {
  const s = desk.sheets.reported;
  const [watch, atRisk, deadline] = s.risk_at;
  assert.equal(F.riskNow(s.risk_at, desk.now, zh, true), s.risk, "the sheet's own risk at its time");
  assert.equal(F.riskNow(s.risk_at, watch - 1, zh, true), "ok");
  assert.equal(F.riskNow(s.risk_at, watch, zh, true), "watch");
  assert.equal(F.riskNow(s.risk_at, atRisk, zh, true), "at_risk");
  assert.equal(F.riskNow(s.risk_at, deadline + 1, zh, true), "overdue");
  assert.equal(F.riskNow(s.risk_at, deadline + 1, zh, false), zh.riskOpen, "a closed case is not late");
  const risk = zh.map.modes.risk;
  zh.riskLevels.forEach((level, i) => {
    assert.deepEqual(F.riskLook(level, zh), { color: risk.colors[i], word: risk.words[i] });
  });
  assert.equal(F.riskLook("overdue", en).word, "Overdue");
});

test("each action's form asks exactly the parameters it declares, of every kind", () => {
  const ctx = { departments: zh.departments, words: W, defaults: { department: "chengguan" } };
  const a = actions("zh");
  const file = F.actionForm(a.file, ctx);
  assert.deepEqual([file.fields, file.needsReason, file.complete], [[], false, true]);
  const dispatch = F.actionForm(a.dispatch, ctx);
  assert.equal(dispatch.fields.length, 1);
  const dept = dispatch.fields[0];
  assert.deepEqual([dept.input, dept.required, dept.value], ["select", false, "chengguan"]);
  assert.deepEqual(dept.options.slice(1).map((o) => o.value), zh.departments.map((d) => d.code));
  assert.equal(dept.options[0].value, "", "an optional department may be left to the category's");
  assert.equal(dispatch.complete, true, "the suggested department fills it: one key sends it");
  const reassign = F.actionForm(a.reassign, { ...ctx, defaults: {} });
  assert.deepEqual([reassign.fields[0].required, reassign.fields[0].options[0].value, reassign.needsReason],
    [true, "chengguan", true]);
  const voiding = F.actionForm(a.void, ctx);
  assert.deepEqual([voiding.fields, voiding.needsReason, voiding.complete, voiding.reasonLabel], [[], true, false, "理由"]);
  const merge = F.actionForm(a.merge, ctx);
  assert.deepEqual(merge.fields.map((f) => [f.name, f.kind, f.input, f.value]), [["into", "case", "number", ""]]);
  assert.equal(merge.complete, false);
  assert.equal(F.actionForm(a.merge, { ...ctx, defaults: { into: 12 } }).fields[0].value, "12");
  const handle = F.actionForm(a.handle, ctx);
  assert.deepEqual([handle.fields, handle.needsReason, handle.takesNote, handle.complete], [[], false, true, false],
    "处置反馈 opens a form with an optional note");
  assert.deepEqual(F.formBody(handle, {}, "", 4), { ok: true, body: { expected_version: 4 } });
  assert.deepEqual(F.formBody(handle, {}, " 已清运 ", 4).body.reason, "已清运");
  assert.equal(F.actionForm(a.file, ctx).takesNote, false);
  const extend = F.actionForm(a.extend, ctx);
  assert.deepEqual(extend.fields.map((f) => [f.name, f.input]), [["hours", "number"]]);
  const rate = F.actionForm(a.rate, ctx).fields[0];
  assert.equal(rate.input, "select");
  assert.deepEqual(rate.options.map((o) => o.label), ["—请选择—", "满意", "基本满意", "不满意"]);
  const rateEn = F.actionForm(actions("en").rate, { ...ctx, words: WE }).fields[0];
  assert.deepEqual(rateEn.options.slice(1).map((o) => o.value), ["satisfied", "basic", "unsatisfied"]);
  // A value a select does not offer is not pretended to be chosen.
  assert.equal(F.actionForm(a.dispatch, { ...ctx, defaults: { department: "nowhere" } }).fields[0].value, "");
});

test("an action added to the workflow with a new kind of parameter is asked as text", () => {
  const added = { name: "photo_note", label: "补充说明", needs_reason: false,
    params: [{ name: "note", label: "说明", kind: "note", required: true, choices: [] }] };
  const form = F.actionForm(added, { departments: [], words: W });
  assert.deepEqual(form.fields.map((f) => [f.name, f.input]), [["note", "text"]]);
  assert.deepEqual(F.formBody(form, { note: " 已补拍 " }, "", 3).body, { expected_version: 3, note: "已补拍" });
});

test("a filled form becomes the request body with the version the sheet was read at", () => {
  const a = actions("zh");
  const ctx = { departments: zh.departments, words: W };
  const dispatch = F.actionForm(a.dispatch, { ...ctx, defaults: { department: "shizheng" } });
  assert.deepEqual(F.formBody(dispatch, { department: "shizheng" }, "", 2),
    { ok: true, body: { expected_version: 2, department: "shizheng" } });
  assert.deepEqual(F.formBody(dispatch, { department: "" }, "", 2).body, { expected_version: 2 });
  const voiding = F.actionForm(a.void, ctx);
  assert.deepEqual(F.formBody(voiding, {}, "  ", 1), { ok: false, missing: ["理由"] });
  assert.deepEqual(F.formBody(voiding, {}, " 重复来电 ", 1).body, { expected_version: 1, reason: "重复来电" });
  const merge = F.actionForm(a.merge, ctx);
  assert.deepEqual(F.formBody(merge, { into: "12" }, "", 1).body, { expected_version: 1, into: 12 });
  assert.deepEqual(F.formBody(merge, { into: "1e3" }, "", 1), { ok: false, missing: ["并入案件"] });
  assert.deepEqual(F.formBody(merge, {}, "", 1), { ok: false, missing: ["并入案件"] });
  const handle = F.actionForm(a.handle, ctx);
  assert.deepEqual([handle.fields, handle.needsReason, handle.takesNote, handle.complete], [[], false, true, false],
    "处置反馈 opens a form with an optional note");
  assert.deepEqual(F.formBody(handle, {}, "", 4), { ok: true, body: { expected_version: 4 } });
  assert.deepEqual(F.formBody(handle, {}, " 已清运 ", 4).body.reason, "已清运");
  assert.equal(F.actionForm(a.file, ctx).takesNote, false);
  const extend = F.actionForm(a.extend, ctx);
  assert.deepEqual(F.formBody(extend, { hours: "2.5" }, "等配件", 4).body, { expected_version: 4, hours: 2.5, reason: "等配件" });
  assert.deepEqual(F.formBody(extend, { hours: "-1" }, "x", 4).missing, ["延期小时数"]);
});

test("a 409 says who changed the case, when, and what it is now; other refusals their message", () => {
  const said = F.refusal(desk.conflict, W, zh.statuses);
  assert.equal(said.conflict, true);
  assert.equal(said.text, "此案件已被 li-cg · 部门联络员 于 11-24 09:51:00 更改，现为「退回」。您的操作未执行。");
  const en409 = F.refusal(desk.conflict, WE, en.statuses);
  assert.match(en409.text, /^Changed by li-cg · 部门联络员 at 11-24 09:51:00; it is now “returned”/);
  const other = F.refusal({ status: 400, error: "refused", message: "unknown department 'x'" }, W, zh.statuses);
  assert.deepEqual(other, { conflict: false, text: "出错了：unknown department 'x'" });
  // the server's Chinese words on a Chinese page, its English on an English one
  const both = { status: 400, error: "refused", message: "case 5 is already with chengguan", message_zh: "案件 5 已在该部门，无需改派" };
  assert.equal(F.refusal(both, W, zh.statuses).text, "出错了：案件 5 已在该部门，无需改派");
  assert.match(F.refusal(both, WE, en.statuses).text, /case 5 is already with chengguan/);
});

test("who else has a case open: read from the presence news in its shapes, never oneself", () => {
  const people = [
    { name: "张三", role: "operator", mode: "view", case_id: 7 },
    { display_name: "李四", role: "lead", mode: "edit", case_id: 7 },
    { name: "我", role: "operator", case_id: 7, self: true },
    { name: "王五", role: "operator", case_id: 8 }
  ];
  const seen = F.presentOn(people, 7, zh.roles);
  assert.deepEqual(seen, [{ name: "张三", role: "值班员", mode: "view" }, { name: "李四", role: "值班长", mode: "edit" }]);
  assert.equal(F.presenceText(seen, W), "张三 (值班员) 正在查看、李四 (值班长) 正在处理");
  assert.deepEqual(F.presentOn({ cases: { 7: [people[0]] } }, "7", zh.roles), [seen[0]]);
  assert.deepEqual(F.presentOn({ 7: [people[0]] }, 7, en.roles), [{ name: "张三", role: "operator", mode: "view" }]);
  assert.deepEqual(F.presentOn(null, 7, zh.roles), []);
  // presence.js's own shape: othersOn(caseId), modes "viewing" / "editing"
  const book = { othersOn: (id) => (id === 7 ? [{ user: "li", name: "李四", role: "lead", mode: "editing" }] : []) };
  assert.deepEqual(F.presentOn(book, 7, zh.roles), [{ name: "李四", role: "值班长", mode: "edit" }]);
  assert.deepEqual(F.presentOn(book, 8, zh.roles), []);
});

test("a cell's name drops the street and community shown beside it", () => {
  const s = desk.sheets.reported;
  assert.equal(F.shortCell(s.cell_name, [s.street_name, s.community_name]), "002网格");
  assert.equal(F.shortCell("网格 9", ["姚家街道"]), "网格 9");
  assert.equal(F.shortCell("姚家街道", ["姚家街道"]), "姚家街道");
});

test("the box around a cell and its point", () => {
  const square = { type: "Polygon", coordinates: [[[117, 36], [117.01, 36], [117.01, 36.01], [117, 36]]] };
  assert.deepEqual(F.bbox(square), [117, 36, 117.01, 36.01]);
  assert.deepEqual(F.bbox(square, [116.99, 36.02]), [116.99, 36, 117.01, 36.02]);
  assert.deepEqual(F.bbox({ type: "MultiPolygon", coordinates: [square.coordinates] }), [117, 36, 117.01, 36.01]);
  assert.deepEqual(F.bbox(null, [1, 2]), [1, 2, 1, 2]);
  assert.equal(F.bbox(null), null);
});

test("the desks' views never parse server text as HTML", () => {
  for (const name of ["caseview.js", "caseform.js", "casemap.js", "dom.js", "desk.js"]) {
    const source = fs.readFileSync(path.join(__dirname, "..", "..", "assets", "gridcc", name), "utf8");
    assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, name);
  }
});

test("the stage under way has its own clock: time left, how late, or standing still", () => {
  const stage = desk.sheets.reported.stage_clock; // 立案, at the center's desk, recorded late
  assert.deepEqual([stage.label, stage.holder_name], ["立案", "指挥中心"]);
  assert.deepEqual(F.stageLeft(stage, 0, W), { text: "本环节已超时 49分钟", late: true, stopped: false });
  const ahead = { ...stage, left_hours: 2, late: false };
  assert.equal(F.stageLeft(ahead, 30 * 60000, W).text, "本环节剩余 1小时30分");
  assert.equal(F.stageLeft({ ...ahead, ticking: false }, 30 * 60000, W).text, "本环节剩余 2小时00分");
  assert.equal(F.stageLeft(ahead, 3 * 3600000, WE).text, "stage 1 h 00 min late");
  // Late already though time is left (an extension came after it ran out): late stays late.
  const extended = { ...ahead, late: true, late_at: "2026-11-24T09:22:00+08:00" };
  assert.deepEqual([F.stageLeft(extended, 0, W).text, F.stageLeft(extended, 0, W).late],
    ["本环节剩余 2小时00分 · 本环节自 11-24 09:22 起计为超时", true]);
  assert.equal(F.stageLeft({ ...stage, left_hours: null }, 0, W).text, W.cv_stage_stopped);
  assert.equal(F.stageLeft(null, 0, W).text, W.cv_no_stage);
  assert.equal(desk.sheets.filed_en.stage_clock.label, "dispatch");
});

test("a 督办's response clock counts down to the second, then says it is late", () => {
  const by = 1_000_000;
  assert.equal(F.answerClock(null, by, W), null);
  assert.deepEqual(F.answerClock(by, by - 3723, W), { text: "反馈剩余 1:02:03", late: false, seconds: 3723 });
  assert.equal(F.answerClock(by, by - 59.5, WE).text, "0:00:59 to answer");
  assert.deepEqual(F.answerClock(by, by, W), { text: "已超时", late: true, seconds: 0 });
  assert.equal(F.answerClock(by, by + 600, WE).text, "answer overdue");
  assert.equal(F.answerClock(by, by - 90000, W).text, "反馈剩余 1天 1:00:00");
});

test("a date parameter (挂账's review date) is asked with a date input", () => {
  const suspend = { name: "suspend", label: "挂账", needs_reason: true,
    params: [{ name: "review", label: "复查日期", kind: "date", required: true }] };
  const form = F.actionForm(suspend, { words: W });
  assert.equal(form.fields[0].input, "date");
  const filled = F.formBody(form, { review: "2026-12-01" }, "待施工", 3);
  assert.deepEqual(filled.body, { expected_version: 3, review: "2026-12-01", reason: "待施工" });
});
