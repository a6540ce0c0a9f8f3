/* gridcc caseview: one case, as every desk shows it.
 *
 *   var v = new gridcc.caseview.CaseView(container, cfg, opts);
 *   v.open(caseId) → promise of the sheet; v.reload(); v.close(); v.caseId; v.sheet
 *   v.run(name, values, direct) → false when the sheet does not offer `name` (else opens its
 *     form filled with `values`; `direct` and nothing left to ask: sends it at once)
 *   v.cancelForm(); v.formOpen(); v.showPresence(people)
 * cfg: dashboard/case_view.py case_view_config (lang, labels, departments, statuses, roles,
 *   riskLevels/riskOpen/riskAt, map, cellUrl, caseTiming).
 * opts: onChanged(sheet, {action, label, id}) after an action succeeded, onClosed(), extraSections(sheet) → [nodes],
 *   presence (an object with open(caseId, mode) and close(), or null), keyHints {action: key},
 *   emptyText, nowMs() (the server's clock; default Date.now).
 *
 * The buttons are the sheet's `actions` (the workflow's table for this actor and state), each
 * form asks exactly the parameters its action declares, and every change carries the version
 * the sheet was read at: a 409 says who changed the case and what it is now, and offers a
 * reload; it is never sent again. Server text is set as text, never as HTML.
 */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};

  function CaseView(container, cfg, opts) {
    var self = this;
    this.container = container;
    this.cfg = cfg;
    this.opts = opts || {};
    this.words = cfg.labels;
    this.caseId = null;
    this.sheet = null;
    this.events = [];
    this.readAt = 0;       // Date.now() when the sheet was read (the clock counts from it)
    this.form = null;      // the open action form
    this.notice = null;    // {kind: "conflict" | "stale", text}
    this.ticket = 0;       // the newest read; older answers are dropped
    this.sending = false;
    this.people = [];
    this.clockNodes = null;
    this.map = G.casemap ? new G.casemap.CaseMap(cfg.map, cfg.cellUrl) : null;
    this.root = G.dom.h("div", { className: "cv" });
    container.appendChild(this.root);
    this.renderEmpty();
    var timing = cfg.caseTiming || {};
    this.timers = [
      root.setInterval(function () { self.tick(); }, 1000),
      root.setInterval(function () { self.refreshClock(); }, timing.clockRefreshMs || 60000)
    ];
  }

  var P = CaseView.prototype;

  P.url = function (tail) { return "/api/cases/" + this.caseId + tail; };
  P.nowMs = function () { return this.opts.nowMs ? this.opts.nowMs() : Date.now(); };
  P.requestOpts = function () { return { timeoutMs: (this.cfg.caseTiming || {}).requestMs || 20000 }; };

  P.open = function (caseId) {
    caseId = Number(caseId);
    if (caseId !== this.caseId) {
      this.caseId = caseId;
      this.sheet = null;
      this.events = [];
      this.form = null;
      this.notice = null;
      this.people = [];
      this.announce("view");
      this.renderMessage(this.words.cv_loading, "cv-loading");
    }
    return this.read();
  };

  // Read the sheet and the timeline. An open form is kept when the case did not change;
  // when it did, the view says so and waits for the person to reload (never clobbers).
  P.read = function () {
    var self = this, id = this.caseId, ticket = ++this.ticket, lang = { lang: this.cfg.lang };
    var reading = this.reading = Promise.all([
      G.http.get(this.url("/sheet"), lang, this.requestOpts()),
      G.http.get(this.url("/timeline"), lang, this.requestOpts())
    ]).then(function (answers) {
      if (ticket !== self.ticket || id !== self.caseId) return self.newer(id);
      var sheet = answers[0];
      if (self.form && sheet.version !== self.form.version) {
        self.notice = { kind: self.notice && self.notice.kind === "conflict" ? "conflict" : "stale",
          text: self.notice && self.notice.kind === "conflict" ? self.notice.text : self.words.cv_stale };
        self.renderNotice();
        return self.sheet;
      }
      self.sheet = sheet;
      self.events = answers[1].events || [];
      self.readAt = Date.now();
      self.render();
      return sheet;
    }, function (err) {
      if (ticket !== self.ticket || id !== self.caseId) return self.newer(id);
      var said = err && err.status === 404 ? self.words.cv_not_found : G.casefmt.refusal(err, self.words).text;
      if (self.sheet) {
        self.notice = { kind: "stale", text: said };
        self.renderNotice();
      } else self.renderMessage(said, "cv-error");
      return null;
    });
    return reading;
  };

  // A read overtaken by a newer one of the same case answers with what the newer one read.
  P.newer = function (id) { return id === this.caseId ? this.reading : null; };

  // Something changed (an event touched the case): read again, keeping an open form.
  P.reload = function () {
    if (this.caseId === null || this.sending) return Promise.resolve(this.sheet);
    return this.read();
  };

  // The person asked for it (the Reload button): the form and the notice go.
  P.forceReload = function () {
    this.form = null;
    this.notice = null;
    this.announce("view");
    return this.read();
  };

  P.close = function () {
    this.ticket++;
    this.caseId = null;
    this.sheet = null;
    this.form = null;
    this.notice = null;
    if (this.opts.presence) this.opts.presence.close();
    this.renderEmpty();
    if (this.opts.onClosed) this.opts.onClosed();
  };

  P.announce = function (mode) {
    // presence.js's modes: "viewing", or "editing" while a form is open
    var said = mode === "edit" ? "editing" : "viewing";
    if (this.opts.presence && this.caseId !== null) this.opts.presence.open(this.caseId, said);
  };

  P.offered = function (name) {
    var flag = this.sheet && this.sheet.urgent && this.sheet.urgent.flag;  // 标为紧急: the urgent part offers it
    return ((this.sheet && this.sheet.actions) || []).concat(flag ? [flag] : [])
      .filter(function (a) { return a.name === name; })[0] || null;
  };

  P.formOpen = function () { return Boolean(this.form); };

  // ---- rendering -------------------------------------------------------------------------
  P.renderMessage = function (text, className) {
    this.clockNodes = null;
    G.dom.clear(this.root).appendChild(G.dom.h("div", { className: "cv-message " + className, text: text }));
  };

  P.renderEmpty = function () { this.renderMessage(this.opts.emptyText || "", "cv-empty"); };

  P.render = function () {
    var h = G.dom.h, w = this.words, s = this.sheet, self = this;
    this.noticeNode = h("div", { className: "cv-notice-slot" });
    this.presenceNode = h("div", { className: "cv-presence" });
    this.formSlot = h("div", { className: "cv-form-slot" });
    var head = h("header", { className: "cv-head" }, [
      h("span", { className: "cv-id", text: "#" + s.id }),
      h("span", { className: "cv-category", text: s.category_name || s.category }),
      h("span", { className: "cv-status", dataset: { status: s.status }, text: s.status_label }),
      s.priority && s.priority !== "normal" ? h("span", { className: "cv-priority", text: w["priority_" + s.priority] || s.priority }) : null,
      this.presenceNode,
      h("button", { type: "button", className: "cv-close", title: w.cv_close, text: "×",
        onclick: function () { self.close(); } })
    ]);
    // A form kept across a re-read keeps its focus too (the person may be typing).
    var focused = this.form && this.form.node.contains(root.document.activeElement) ? root.document.activeElement : null;
    var side = h("div", { className: "cv-side" }, [this.placeSection()]);
    var extra = this.opts.extraSections ? this.opts.extraSections(s) || [] : [];
    extra.forEach(function (node) { side.appendChild(node); });
    G.dom.append(G.dom.clear(this.root), [
      head, this.noticeNode,
      h("div", { className: "cv-grid" }, [
        h("div", { className: "cv-main" }, [
          h("p", { className: "cv-desc", text: s.description }),
          this.fieldsList(), this.urgentSection(), this.clockSection(), this.actionsSection(),
          this.timelineSection()
        ]),
        side
      ])
    ]);
    if (this.form) this.formSlot.appendChild(this.form.node);
    if (focused) focused.focus();
    if (this.map) { this.map.attach(this.mapSlot); this.map.show(s); }
    this.renderNotice();
    this.showPresence(this.people);
    this.tick();
  };

  P.fieldsList = function () {
    var h = G.dom.h, w = this.words, s = this.sheet, rows = [];
    function row(label, value) {
      if (value === undefined || value === null || value === "") return;
      rows.push(h("dt", { text: label }), h("dd", { text: value }));
    }
    row(w.cv_source, w["source_" + s.source] || s.source);
    row(w.cv_reporter, s.reporter);
    row(w.cv_department, s.department_name);
    row(w.cv_reported_at, G.casefmt.localTime(s.created_at));
    // A case made of a 泉心愿 problem names it (微治理 #id; the problem keeps the case's id).
    var problem = s.source === "wish" && /^qxy-problem-(\d+)$/.exec(s.external_id || "");
    row(w.cv_external, problem && w.problem_from_case ? G.casefmt.fill(w.problem_from_case, { id: problem[1] }) : s.external_id);
    if (s.counts && (s.counts.dispatch > 1 || s.counts["return"] || s.counts.rework)) {
      row(w.cv_history, G.casefmt.fill(w.cv_counts, s.counts));
    }
    return h("dl", { className: "cv-fields" }, rows);
  };

  P.placeSection = function () {
    var h = G.dom.h, w = this.words, s = this.sheet;
    this.mapSlot = h("div", { className: "cv-map-slot" });
    return h("section", { className: "cv-place" }, [
      h("h3", { text: w.cv_place }),
      h("div", { className: "cv-where" }, [
        h("span", { className: "cv-street", title: w.cv_street, text: s.street_name }),
        h("span", { className: "cv-community", title: w.cv_community, text: s.community_name }),
        h("span", { className: "cv-cell", title: w.cv_cell + " " + s.cell,
          text: G.casefmt.shortCell(s.cell_name || s.cell, [s.street_name, s.community_name]) })
      ]),
      s.place ? h("div", { className: "cv-place-text", text: s.place }) : null,
      this.mapSlot
    ]);
  };

  // The case's clock and, beside it, the stage under way with its own clock; above them
  // what presses on the case: a 督办 waiting for an answer (its response clock), a pending
  // extension request, a 挂账 with its review date.
  P.clockSection = function () {
    var h = G.dom.h, w = this.words, s = this.sheet, sla = s.sla, F = G.casefmt;
    var left = h("span", { className: "cv-left" });
    var risk = h("span", { className: "cv-risk" });
    var paused = h("span", { className: "cv-paused", text: w.cv_paused });
    var stageLeft = h("span", { className: "cv-stage-left" });
    var answer = h("span", { className: "cv-answer-clock" });
    this.clockNodes = { left: left, risk: risk, paused: paused, stageLeft: stageLeft, answer: answer };
    var caseClock = h("div", { className: "cv-clock cv-clock-case" }, [
      h("div", { className: "cv-clock-title", text: w.cv_case_clock }),
      h("div", { className: "cv-sla-main" }, [risk, left]),
      h("div", { className: "cv-sla-detail" }, [
        h("span", { text: w.cv_deadline + " " + F.localTime(sla.deadline) }),
        h("span", { text: F.fill(w.cv_allowed, { t: F.duration(sla.allowed_hours, w, !sla.working_hours) }) }),
        h("span", { text: sla.working_hours ? w.cv_working : w.cv_calendar }),
        paused
      ])
    ]);
    return h("div", { className: "cv-clocks" }, [
      this.pressSection(answer),
      h("section", { className: "cv-sla" }, [caseClock, this.stageSection(stageLeft)])
    ]);
  };

  // The urgent fast path (urgentbanner.js): the response clock, or the button to flag it.
  P.urgentSection = function () {
    var U = G.urgentbanner, u = this.sheet.urgent, self = this;
    this.urgentNode = null;
    if (!U || !u) return null;
    if (!u.urgent) {
      return u.flag ? G.dom.h("div", { className: "cv-urgent-flag" }, [
        G.dom.h("button", { type: "button", className: "cv-flag-urgent", dataset: { action: "flag_urgent" },
          text: u.flag.label, onclick: function () { self.run("flag_urgent", {}, false); } })
      ]) : null;
    }
    this.urgentNode = U.caseSection(u, this.words, this.nowMs() / 1000);
    return this.urgentNode;
  };

  P.stageSection = function (stageLeft) {
    var h = G.dom.h, w = this.words, st = this.sheet.stage_clock, F = G.casefmt;
    if (!st) {
      return h("div", { className: "cv-clock cv-clock-stage none" }, [
        h("div", { className: "cv-clock-title", text: w.cv_stage }),
        h("div", { className: "cv-stage-main", text: w.cv_no_stage })
      ]);
    }
    return h("div", { className: "cv-clock cv-clock-stage", dataset: { stage: st.stage } }, [
      h("div", { className: "cv-clock-title", text: w.cv_stage }),
      h("div", { className: "cv-stage-main" }, [
        h("span", { className: "cv-stage-name", text: st.label }),
        h("span", { className: "cv-stage-holder", text: F.fill(w.cv_stage_holder, { who: st.holder_name }) }),
        stageLeft
      ]),
      st.due ? h("div", { className: "cv-sla-detail" }, [
        h("span", { text: F.fill(w.cv_stage_due, { t: F.localTime(st.due) }) })
      ]) : null
    ]);
  };

  P.pressSection = function (answer) {
    var h = G.dom.h, w = this.words, s = this.sheet, F = G.casefmt, rows = [];
    var sup = s.supervision;
    if (sup && !sup.answered_at && s.answer_by !== null && s.answer_by !== undefined) {
      rows.push(h("div", { className: "cv-press cv-supervised" }, [
        h("span", { className: "cv-press-text", text: F.fill(w.cv_supervised, { t: F.localTime(sup.answer_by) }) }),
        answer
      ]));
    } else if (sup && sup.answered_at) {
      rows.push(h("div", { className: "cv-press cv-answered", text: F.fill(w.cv_answered, { t: F.localTime(sup.answered_at) }) }));
    }
    if (s.extension_requested !== null && s.extension_requested !== undefined) {
      rows.push(h("div", { className: "cv-press cv-extension",
        text: F.fill(w.cv_extension_waiting, { h: s.extension_requested }) }));
    }
    if (s.status === (this.cfg.suspendedStatus || "suspended") && s.review_at) {
      rows.push(h("div", { className: "cv-press cv-suspended",
        text: F.fill(w.cv_suspended_review, { t: F.localTime(s.review_at) }) }));
    }
    return rows.length ? h("div", { className: "cv-presses" }, rows) : null;
  };

  // Every second: the time left, and the risk as the clock passes its thresholds.
  P.tick = function () {
    if (!this.sheet || !this.clockNodes) return;
    if (this.urgentNode) {
      var list = this.urgentNode.querySelector("ol");
      if (list) G.urgentbanner.renderClock(list, this.sheet.urgent.clock, this.nowMs() / 1000, this.words);
    }
    var F = G.casefmt, sla = this.sheet.sla, n = this.clockNodes;
    var left = F.timeLeft(sla, Date.now() - this.readAt, this.words);
    var level = F.riskNow(this.sheet.risk_at, this.nowMs() / 1000, this.cfg, sla.open);
    var look = F.riskLook(level, this.cfg);
    n.left.textContent = left.text;
    n.left.classList.toggle("overdue", left.overdue && sla.open !== false);
    n.risk.textContent = look.word;
    n.risk.style.setProperty("background", look.color);
    n.risk.dataset.risk = level;
    n.paused.hidden = sla.ticking || sla.open === false || sla.stopped === true;
    var stage = F.stageLeft(this.sheet.stage_clock, Date.now() - this.readAt, this.words);
    n.stageLeft.textContent = this.sheet.stage_clock ? stage.text : "";
    n.stageLeft.classList.toggle("late", stage.late);
    var answer = F.answerClock(this.sheet.answer_by, this.nowMs() / 1000, this.words);
    n.answer.textContent = answer ? answer.text : "";
    n.answer.classList.toggle("late", Boolean(answer && answer.late));
  };

  // Now and then the clock is read again from the server (its calendar is the server's).
  P.refreshClock = function () {
    var self = this, id = this.caseId, ticket = this.ticket;
    if (id === null || !this.sheet || this.sending) return;
    G.http.get(this.url("/sheet"), { lang: this.cfg.lang }, this.requestOpts()).then(function (fresh) {
      if (id !== self.caseId || ticket !== self.ticket || !self.sheet) return;
      if (fresh.version !== self.sheet.version) { self.reload(); return; }
      self.sheet.sla = fresh.sla;
      self.sheet.risk_at = fresh.risk_at;
      self.sheet.stage_clock = fresh.stage_clock;
      self.readAt = Date.now();
      self.tick();
    }, function () { /* the next read tries again */ });
  };

  P.actionsSection = function () {
    var h = G.dom.h, w = this.words, self = this, hints = this.opts.keyHints || {};
    var actions = this.sheet.actions || [];
    var buttons = actions.map(function (a) {
      return h("button", { type: "button", className: "cv-action" + (a.forward ? " forward" : ""),
        dataset: { action: a.name }, onclick: function () { self.run(a.name, {}, false); } },
      [a.label, hints[a.name] ? h("kbd", { text: hints[a.name] }) : null]);
    });
    return h("section", { className: "cv-actions" }, [
      h("div", { className: "cv-buttons" }, buttons.length ? buttons : [h("span", { className: "cv-none", text: w.cv_no_actions })]),
      this.formSlot
    ]);
  };

  P.timelineSection = function () {
    var h = G.dom.h, w = this.words, F = G.casefmt, depts = {}, self = this;
    (this.cfg.departments || []).forEach(function (d) { depts[d.code] = d.name; });
    var items = this.events.slice().reverse().map(function (ev) {
      var notes = [];
      if (ev.department && (ev.kind === "case.dispatch" || ev.kind === "case.reassign" || ev.from_department)) {
        notes.push("→ " + (depts[ev.department] || ev.department));
      }
      if (ev.merged_into) notes.push(F.fill(w.cv_merged_into, { id: ev.merged_into }));
      if (ev.hours) notes.push(F.fill(w.cv_extended, { h: ev.hours }));
      if (ev.undoes) notes.push(F.fill(w.cv_undoes, { seq: ev.undoes }));
      if (ev.rating) notes.push(F.fill(w.cv_rating, { rating: ev.rating }));
      if (ev.deadline_after) {
        notes.push(F.fill(w.cv_recomputed,
          { before: F.localTime(ev.deadline_before), after: F.localTime(ev.deadline_after) }));
      }
      if (ev.answer_by) notes.push(F.fill(w.cv_answer_by, { t: F.localTime(ev.answer_by) }));
      if (ev.review) notes.push(F.fill(w.cv_review_on, { t: F.localTime(ev.review) }));
      if (ev.stood_hours) notes.push(F.fill(w.cv_stood, { t: F.duration(ev.stood_hours, w) }));
      // The step in words (督办, 延期申请, …), then the state it moved between, where it moved.
      var paren = self.cfg.lang === "en" ? [" (", ")"] : ["（", "）"];
      var moved = ev.from && ev.from !== ev.to ? paren[0] + ev.from + " → " + ev.to + paren[1] : "";
      return h("li", { className: "cv-ev", dataset: { seq: ev.seq, kind: ev.kind } }, [
        h("span", { className: "cv-ev-at", text: F.localTime(ev.at) }),
        h("span", { className: "cv-ev-step" }, [
          h("b", { className: "cv-ev-name", text: ev.step || ev.kind }),
          moved ? h("span", { className: "cv-ev-move", text: moved }) : null
        ]),
        h("span", { className: "cv-ev-actor", text: ev.actor }),
        notes.length ? h("span", { className: "cv-ev-note", text: notes.join(" · ") }) : null,
        ev.reason ? h("div", { className: "cv-ev-reason", text: ev.reason }) : null
      ]);
    });
    return h("section", { className: "cv-timeline" }, [
      h("h3", { text: w.cv_timeline }), h("ol", { className: "cv-events" }, items)
    ]);
  };

  P.renderNotice = function () {
    if (!this.noticeNode) return;
    var h = G.dom.h, self = this, n = this.notice;
    G.dom.clear(this.noticeNode);
    if (!n) return;
    this.noticeNode.appendChild(h("div", { className: "cv-notice " + n.kind, attrs: { role: "alert" } }, [
      h("span", { className: "cv-notice-text", text: n.text }),
      h("button", { type: "button", className: "cv-reload", text: this.words.cv_reload,
        onclick: function () { self.forceReload(); } })
    ]));
  };

  P.showPresence = function (people) {
    this.people = people || [];
    if (!this.presenceNode) return;
    this.presenceNode.textContent = this.people.length ? G.casefmt.presenceText(this.people, this.words) : "";
    this.presenceNode.hidden = !this.people.length;
  };

  // ---- actions ---------------------------------------------------------------------------
  // Open `name`'s form (filled with `values`); `direct`: send it at once when nothing is left
  // to ask. False when the sheet does not offer the action: nothing happens.
  P.run = function (name, values, direct) {
    var action = this.offered(name);
    if (!action || this.sending) return false;
    var spec = G.casefmt.actionForm(action, { departments: this.cfg.departments, words: this.words,
      defaults: Object.assign({ department: this.sheet.suggested_department }, values || {}) });
    this.form = G.caseform.build(spec, this.sheet.version, this.words, {
      submit: this.submit.bind(this), cancel: this.cancelForm.bind(this)
    });
    this.form.caseId = this.caseId;
    G.dom.clear(this.formSlot).appendChild(this.form.node);
    this.announce("edit");
    if (direct && spec.complete) this.submit();
    else this.form.focus();
    return true;
  };

  P.cancelForm = function () {
    if (!this.form || this.sending) return false;
    this.form = null;
    if (this.formSlot) G.dom.clear(this.formSlot);
    if (this.notice && this.notice.kind === "stale") this.forceReload();
    else this.announce("view");
    return true;
  };

  P.submit = function () {
    var self = this, form = this.form, w = this.words;
    if (!form || this.sending || form.blocked) return;
    var filled = G.casefmt.formBody(form.spec, form.values(), form.reason(), form.version);
    if (!filled.ok) { form.error(G.casefmt.fill(w.cv_missing, { fields: filled.missing.join("、") })); return; }
    this.sending = true;
    form.busy(true);
    var name = form.spec.name, label = form.spec.label;
    G.http.post(this.url("/actions/" + encodeURIComponent(name)) + "?lang=" + this.cfg.lang, filled.body,
      this.requestOpts()).then(function () {
      self.sending = false;
      if (self.form === form) { self.form = null; self.notice = null; }
      self.announce("view");
      return self.read().then(function (sheet) {
        if (self.opts.onChanged) self.opts.onChanged(sheet, { action: name, label: label, id: form.caseId });
      });
    }, function (err) {
      self.sending = false;
      var said = G.casefmt.refusal(err, w, self.cfg.statuses);
      if (said.conflict) {
        form.blocked = true;   // never sent again: the person reloads and decides anew
        form.busy(true);
        self.notice = { kind: "conflict", text: said.text };
        self.renderNotice();
      } else {
        form.busy(false);
        form.error(said.text);
      }
    });
  };

  G.caseview = { CaseView: CaseView };
})(typeof window !== "undefined" ? window : this);
