/* Times in words (assets/gridcc/when.js): the ticker's stamp in the server's time zone,
 * and the alert list's spans. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { Clock, fill } = require("../../assets/gridcc/when.js");

const ZH = {
  span_days: "{d}天{h}小时", span_hours: "{h}小时{m}分", span_minutes: "{m}分钟",
  span_under_minute: "不到1分钟"
};
const clock = new Clock("Asia/Shanghai", ZH);
const at = (iso) => Date.parse(iso);

test("a stamp of today is the time; of an earlier day, the date and the time", () => {
  const now = at("2026-11-30T00:05:00+08:00");
  assert.equal(clock.stamp("2026-11-30T00:01:02+08:00", now), "00:01:02");
  // Shanghai's yesterday, though the same UTC day (2026-11-29 16:01 UTC).
  assert.equal(clock.stamp("2026-11-29T23:59:30+08:00", now), "11-29 23:59");
  assert.equal(clock.stamp(at("2026-11-29T16:01:00Z"), now), "00:01:00");
  assert.equal(clock.stamp("2025-12-31T18:30:00+08:00", now), "2025-12-31 18:30");
});

test("spans to the minute, in the page's words", () => {
  assert.equal(clock.span(30), "不到1分钟");
  assert.equal(clock.span(60 * 12 + 59), "12分钟");
  assert.equal(clock.span(3600 * 3 + 60 * 5), "3小时05分");
  assert.equal(clock.span(86400 * 2 + 3600 * 3 + 60), "2天3小时");
  assert.equal(clock.span(-5), "不到1分钟");
  assert.equal(new Clock("Asia/Shanghai", {}).span(3600 + 120), "1h 02m");
});

test("fill leaves unknown names as they are", () => {
  assert.equal(fill("超时 {t}", { t: "5分钟" }), "超时 5分钟");
  assert.equal(fill("{n} of {m}", { n: 1 }), "1 of {m}");
});
