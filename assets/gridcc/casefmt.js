/* gridcc casefmt: the case view's pure parts (no DOM), tested with node.
 *
 * Times: the server sends ISO 8601 with the +08:00 offset (Asia/Shanghai); what a person
 * reads is the local part of that text, so a screen in another time zone shows the same.
 * Durations: hours as numbers, shown in the page's words (cfg.labels: dur_*, cv_*).
 * Action forms: built from the sheet's `actions` (the workflow's table for this actor and
 * this state), one field per declared parameter; nothing here knows an action by name.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.casefmt = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // "{n} cases" + {n: 3} → "3 cases" (unknown names are left as they are)
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // "2026-12-01T09:12:33+08:00" → "12-01 09:12" (the server's local time, as written)
  function localTime(iso, withSeconds) {
    var m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)/.exec(iso || "");
    if (!m) return iso || "";
    return m[2] + "-" + m[3] + " " + m[4] + ":" + m[5] + (withSeconds ? ":" + m[6] : "");
  }

  // 27.5 → "1天3小时"; 3.2 → "3小时12分"; 0.5 → "30分钟" (whole minutes, rounded down).
  // byDays false: a working-hours clock, whose "day" is not 24 hours, counts hours only.
  function duration(hours, words, byDays) {
    var minutes = Math.floor(Math.abs(hours) * 60 + 1e-9);
    var d = Math.floor(minutes / 1440), h = Math.floor(minutes / 60), m = minutes % 60;
    if (byDays !== false && d > 0) return fill(words.dur_dh, { d: d, h: h - d * 24 });
    if (h > 0) return fill(words.dur_hm, { h: h, m: pad(m) });
    return fill(words.dur_m, { m: m });
  }

  // A waiting time that visibly grows every second: "2:03:15", "1天 2:03:15".
  function waiting(sinceIso, nowMs, words) {
    var since = Date.parse(sinceIso);
    if (isNaN(since)) return "";
    var s = Math.max(0, Math.floor((nowMs - since) / 1000));
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
    var clock = h + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60);
    return (d > 0 ? fill(words.wait_days, { d: d }) : "") + clock;
  }

  // The clock of a sheet (sla: {left_hours, ticking, working_hours, open}) `elapsedMs` after
  // it was read: it counts down only while the case's own calendar runs.
  function timeLeft(sla, elapsedMs, words) {
    var hours = sla.left_hours - (sla.ticking ? elapsedMs / 3600000 : 0);
    var overdue = hours < 0;
    var text = fill(overdue ? words.cv_overdue_by : words.cv_left,
      { t: duration(hours, words, !sla.working_hours) });
    if (sla.open === false) text = words.cv_clock_done;
    return { hours: hours, overdue: overdue, text: text };
  }

  // The clock of the stage under way (sheet.stage_clock: {left_hours, late, late_at, ticking,
  // working_hours}) `elapsedMs` after it was read: time left, or how late, on the case's own
  // calendar; a stage whose clock stands still (挂账: left_hours null) says so.
  function stageLeft(stage, elapsedMs, words) {
    if (!stage) return { text: words.cv_no_stage, late: false, stopped: false };
    if (stage.left_hours === null || stage.left_hours === undefined) {
      return { text: words.cv_stage_stopped, late: Boolean(stage.late), stopped: true };
    }
    var hours = stage.left_hours - (stage.ticking ? elapsedMs / 3600000 : 0);
    var byDays = !stage.working_hours;
    if (hours < 0) return { text: fill(words.cv_stage_late, { t: duration(hours, words, byDays) }), late: true, stopped: false };
    var text = fill(words.cv_stage_left, { t: duration(hours, words, byDays) });
    // Late already though time is left: it ran out before an extension came (late stays late).
    if (stage.late && stage.late_at) text += " · " + fill(words.cv_stage_late_since, { t: localTime(stage.late_at) });
    return { text: text, late: Boolean(stage.late), stopped: false };
  }

  // A 督办's response clock: wall time left to answerBy (epoch s) at nowSec, to the second
  // ("反馈剩余 1:02:03"), or "已超时" once past it. null answerBy: nothing waiting (null).
  function answerClock(answerBy, nowSec, words) {
    if (answerBy === null || answerBy === undefined) return null;
    var s = Math.floor(answerBy - nowSec);
    if (s <= 0) return { text: words.answer_late, late: true, seconds: 0 };
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
    var t = (d > 0 ? fill(words.wait_days, { d: d }) : "") + h + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60);
    return { text: fill(words.answer_left, { t: t }), late: false, seconds: s };
  }

  // The risk level at `nowSec` of a case with risk_at [watch, at_risk, deadline] (epoch s),
  // in the words of the page's rules (cfg.riskOpen, cfg.riskAt: the wall's, from the server).
  function riskNow(riskAt, nowSec, rules, open) {
    var level = rules.riskOpen;
    if (open === false) return level;
    (riskAt || []).forEach(function (at, i) {
      if (at !== null && at !== undefined && nowSec >= at) level = rules.riskAt[i];
    });
    return level;
  }

  // The colour and word of a risk level: the map's (cfg.map.modes.risk), by cfg.riskLevels.
  function riskLook(level, cfg) {
    var i = cfg.riskLevels.indexOf(level);
    var risk = cfg.map.modes.risk;
    return { color: risk.colors[i] || risk.colors[0], word: risk.words[i] || level };
  }

  // The form an action asks for: one field per parameter it declares, and a reason where it
  // needs one. ctx: {departments: [{code, name}], defaults: {name: value}, words}.
  // A parameter of a kind this screen does not know yet is asked as text.
  function actionForm(action, ctx) {
    var words = ctx.words || {};
    var defaults = ctx.defaults || {};
    var fields = (action.params || []).map(function (p) {
      var field = { name: p.name, label: p.label, kind: p.kind, required: !!p.required,
        input: "text", options: [], value: "" };
      var given = defaults[p.name];
      if (p.kind === "department") {
        field.input = "select";
        field.options = (ctx.departments || []).map(function (d) { return { value: d.code, label: d.name }; });
        if (!p.required) field.options.unshift({ value: "", label: words.cv_dept_default || "" });
      } else if (p.kind === "choice") {
        field.input = "select";
        field.options = (p.choices || []).map(function (c) { return { value: c.value, label: c.label }; });
        field.options.unshift({ value: "", label: words.cv_choose || "" });
      } else if (p.kind === "hours" || p.kind === "case") {
        field.input = "number";
      } else if (p.kind === "date") {
        field.input = "date";  // YYYY-MM-DD, as the server reads a date (挂账's review date)
      }
      var known = field.input !== "select" ||
        field.options.some(function (o) { return o.value === String(given); });
      if (given !== undefined && given !== null && known) field.value = String(given);
      return field;
    });
    var complete = !action.needs_reason && !action.takes_note && fields.every(function (f) { return !f.required || f.value !== ""; });
    return { name: action.name, label: action.label, needsReason: !!action.needs_reason,
      takesNote: !action.needs_reason && !!action.takes_note,
      reasonLabel: words.cv_reason || "reason", fields: fields, complete: complete };
  }

  // The request body of a filled form, or what is missing. values: {name: text}.
  function formBody(spec, values, reason, version) {
    var body = { expected_version: version };
    var missing = [];
    spec.fields.forEach(function (f) {
      var raw = values[f.name] === undefined || values[f.name] === null ? "" : String(values[f.name]).trim();
      if (raw === "") {
        if (f.required) missing.push(f.label);
        return;
      }
      if (f.kind === "case") {
        if (!/^\d+$/.test(raw)) { missing.push(f.label); return; }
        body[f.name] = Number(raw);
      } else if (f.kind === "hours") {
        var n = Number(raw);
        if (!(n > 0)) { missing.push(f.label); return; }
        body[f.name] = n;
      } else body[f.name] = raw;
    });
    var text = (reason || "").trim();
    if (spec.needsReason && !text) missing.push(spec.reasonLabel || "reason");
    if (text) body.reason = text;
    return missing.length ? { ok: false, missing: missing } : { ok: true, body: body };
  }

  // What a refused action says. A 409 names who changed the case, when, and what it is now.
  // The server's words for a refusal in the page's language (message_zh beside message).
  function message(err, words) {
    if (!err) return "?";
    return (words && words.lang_code === "zh" && err.message_zh) || err.message || err.error || "?";
  }

  function refusal(err, words, statuses) {
    if (err && err.status === 409) {
      var status = (statuses || {})[err.current_status] || err.current_status || "?";
      return { conflict: true, text: fill(words.cv_conflict, {
        who: err.changed_by || "?", at: localTime(err.changed_at, true) || "?", status: status }) };
    }
    return { conflict: false, text: fill(words.cv_failed, { message: message(err, words) }) };
  }

  // A cell's name without the street and community it repeats ("姚家街道 燕山社区 008网格"
  // under 姚家街道 / 燕山社区 → "008网格"); the whole name when it does not start with them.
  function shortCell(name, parents) {
    var rest = String(name || "");
    (parents || []).forEach(function (p) {
      if (p && rest.indexOf(p) === 0) rest = rest.slice(p.length).replace(/^[\s·/]+/, "");
    });
    return rest || String(name || "");
  }

  // The box around a GeoJSON geometry's coordinates: [west, south, east, north].
  function bbox(geometry, extra) {
    var box = [Infinity, Infinity, -Infinity, -Infinity];
    function add(pt) {
      box[0] = Math.min(box[0], pt[0]); box[1] = Math.min(box[1], pt[1]);
      box[2] = Math.max(box[2], pt[0]); box[3] = Math.max(box[3], pt[1]);
    }
    (function walk(c) {
      if (typeof c[0] === "number") add(c);
      else c.forEach(walk);
    })((geometry && geometry.coordinates) || []);
    if (extra && typeof extra[0] === "number" && typeof extra[1] === "number") add(extra);
    return box[0] === Infinity ? null : box;
  }

  // Who else has a case open, from the presence module (presence.js: its othersOn), or a
  // list of people, or {cases: {id: [people]}}, or {id: [people]}; people as
  // {name | display_name | user, role | role_label, mode, self}. Never oneself.
  function presentOn(news, caseId, roles) {
    var list = news;
    if (list && typeof list.othersOn === "function") list = list.othersOn(caseId);  // presence.js
    else if (list && !Array.isArray(list)) {
      var byCase = list.cases || list;
      list = byCase[caseId] || byCase[String(caseId)] || [];
    }
    return (list || []).filter(function (p) {
      if (!p || p.self || p.me) return false;
      return p.case_id === undefined || p.case_id === null || Number(p.case_id) === Number(caseId);
    }).map(function (p) {
      var role = p.role_label || (roles || {})[p.role] || p.role || "";
      var mode = p.mode === "editing" || p.mode === "edit" ? "edit" : "view";
      return { name: p.display_name || p.name || p.user || "?", role: role, mode: mode };
    });
  }

  // "张三 (值班员) 正在查看、李四 (值班长) 正在处理"
  function presenceText(people, words) {
    return people.map(function (p) {
      var who = p.role ? p.name + " (" + p.role + ")" : p.name;
      return fill(p.mode === "edit" ? words.presence_edit : words.presence_view, { who: who });
    }).join("、");
  }

  return {
    fill: fill, localTime: localTime, duration: duration, waiting: waiting, timeLeft: timeLeft,
    stageLeft: stageLeft, answerClock: answerClock,
    riskNow: riskNow, riskLook: riskLook, actionForm: actionForm, formBody: formBody,
    refusal: refusal, message: message, shortCell: shortCell, bbox: bbox, presentOn: presentOn, presenceText: presenceText
  };
});
