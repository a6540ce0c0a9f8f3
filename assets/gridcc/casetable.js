/* gridcc case table: one page of cases as the desks show it (the rows /api/cases answers),
 * with sortable headers, ticks (the lead's), a pager and a way to open a case. Text goes in
 * as text, never as markup (a case carries what a citizen wrote).
 */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = text;
    return n;
  }

  // Each column: its header's word (cfg.labels), the sort it asks for (none: not sortable),
  // and what a row shows in it.
  var COLUMNS = {
    id: { word: "col_id", sort: "id", cell: function (r) { return "#" + r.id; } },
    category: { word: "col_category", cell: function (r) { return r.category_name || r.category; } },
    department: { word: "col_department", cell: function (r) { return r.department_name; } },
    status: { word: "col_status", cell: function (r) { return r.status_label; } },
    place: {
      word: "col_place",
      cell: function (r) { return r.cell_name || r.cell; }
    },
    created: { word: "col_created", sort: "created", time: "created_at" },
    deadline: { word: "col_deadline", sort: "deadline", time: "deadline" },
    risk: { word: "col_risk" },
    // 督办 waiting for the department's answer (a response clock) and 延期申请 pending
    flags: { word: "col_flags" }
  };

  // table, pager: elements; cfg: the desk's config; opts: columns (names of COLUMNS),
  // ticks (a caselist.Selection, or null), onSort(key), onPage(offset), onTick(), onOpen(id),
  // nowS() (the server's clock, epoch s)
  function CaseTable(table, pager, cfg, opts) {
    this.el = table;
    this.pager = pager;
    this.cfg = cfg;
    this.opts = opts;
    this.words = cfg.labels;
    this.page = null;
    this.sort = null;
    this.risks = {};
    var self = this;
    (cfg.risks || []).forEach(function (r) { self.risks[r.code] = r; });
    this.time = new Intl.DateTimeFormat(cfg.lang === "en" ? "en-GB" : "zh-CN", {
      timeZone: cfg.timeZone, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      hour12: false
    });
  }

  CaseTable.prototype.message = function (text) {
    this.page = null;
    this.el.textContent = "";
    this.el.appendChild(node("div", "case-table-empty", text));
    this.pager.textContent = "";
  };

  CaseTable.prototype.render = function (page, sort) {
    this.page = page;
    this.sort = sort;
    var L = G.caselist, self = this, opts = this.opts;
    var table = node("table", "cases");
    var head = node("tr");
    if (opts.ticks) head.appendChild(this.tickAll(page.cases));
    opts.columns.forEach(function (name) { head.appendChild(self.header(name)); });
    table.appendChild(node("thead")).appendChild(head);
    var body = table.appendChild(node("tbody"));
    page.cases.forEach(function (row) { body.appendChild(self.row(row)); });
    this.el.textContent = "";
    if (!page.cases.length) this.el.appendChild(node("div", "case-table-empty", this.words.no_cases));
    else this.el.appendChild(table);
    this.renderPager(L.pageSpan(page));
  };

  CaseTable.prototype.header = function (name) {
    var col = COLUMNS[name], th = node("th", "col-" + name, this.words[col.word]), opts = this.opts;
    if (col.sort) {
      th.classList.add("sortable");
      th.setAttribute("data-sort", col.sort);
      if (this.sort && this.sort.key === col.sort) th.classList.add("sorted-" + this.sort.order);
      th.addEventListener("click", function () { opts.onSort(col.sort); });
    }
    return th;
  };

  CaseTable.prototype.tickAll = function (rows) {
    var th = node("th", "col-tick"), box = node("input"), ticks = this.opts.ticks, opts = this.opts;
    box.type = "checkbox";
    box.className = "tick-all";
    box.title = this.words.select_page;
    var state = ticks.pageState(rows);
    box.checked = state === "all" && rows.length > 0;
    box.indeterminate = state === "some";
    box.disabled = !rows.length;
    box.addEventListener("change", function () {
      ticks.setPage(rows, box.checked);
      opts.onTick();
    });
    th.appendChild(box);
    return th;
  };

  CaseTable.prototype.row = function (r) {
    var tr = node("tr"), self = this, opts = this.opts, ticks = opts.ticks;
    tr.setAttribute("data-case", r.id);
    if (ticks) {
      var td = node("td", "col-tick"), box = node("input");
      box.type = "checkbox";
      box.checked = ticks.has(r.id);
      box.addEventListener("click", function (e) { e.stopPropagation(); });
      box.addEventListener("change", function () { ticks.toggle(r, box.checked); opts.onTick(); });
      td.appendChild(box);
      tr.appendChild(td);
      if (box.checked) tr.classList.add("ticked");
      // Changed since it was ticked: its action will be refused with who changed it.
      if (box.checked && ticks.versions[r.id] !== r.version) {
        tr.classList.add("stale");
        box.title = this.words.changed_since;
      }
    }
    opts.columns.forEach(function (name) { tr.appendChild(self.cell(name, r)); });
    if (r.priority === "urgent" || r.urgent) tr.classList.add("urgent");
    if (r.drill) tr.classList.add("drill");
    if (r.answer_by !== null && r.answer_by !== undefined) tr.classList.add("supervised");
    if (opts.openId && opts.openId() === r.id) tr.classList.add("open-case");
    if (opts.onOpen) {
      tr.classList.add("openable");
      tr.addEventListener("click", function () { opts.onOpen(r.id, r); });
    }
    return tr;
  };

  CaseTable.prototype.cell = function (name, r) {
    var col = COLUMNS[name];
    if (name === "risk") {
      var level = G.caselist.rowRisk(r, this.opts.nowS(), this.cfg);
      var risk = this.risks[level] || { name: level, color: "" };
      var td = node("td", "col-risk");
      var chip = td.appendChild(node("span", "risk-chip risk-" + level, risk.name));
      chip.style.setProperty("--risk", risk.color);
      return td;
    }
    if (name === "flags") return this.flags(r);
    if (col.time) return node("td", "col-" + name, r[col.time] ? this.time.format(new Date(r[col.time])) : "");
    var text = col.cell(r), cell = node("td", "col-" + name, text);
    // The whole text where the column cuts it; a category says what was reported.
    cell.title = name === "category" && r.description ? text + " — " + r.description : text;
    return cell;
  };

  // A 督办 waiting for an answer: red, with its response clock (counted down each second by
  // tickClocks); a pending extension request: how many hours were asked for.
  CaseTable.prototype.flags = function (r) {
    var td = node("td", "col-flags"), w = this.words, F = G.casefmt;
    if (r.answer_by !== null && r.answer_by !== undefined) {
      var chip = td.appendChild(node("span", "flag-supervised"));
      chip.appendChild(node("b", null, w.flag_supervised));
      var clock = chip.appendChild(node("span", "answer-clock"));
      clock.setAttribute("data-answer-by", r.answer_by);
      this.showClock(clock);
    }
    if (r.extension_requested !== null && r.extension_requested !== undefined) {
      td.appendChild(node("span", "flag-extension", F.fill(w.flag_extension, { h: r.extension_requested })));
    }
    return td;
  };

  CaseTable.prototype.showClock = function (clock) {
    var said = G.casefmt.answerClock(Number(clock.getAttribute("data-answer-by")), this.opts.nowS(), this.words);
    if (clock.textContent !== said.text) clock.textContent = said.text;
    clock.classList.toggle("late", said.late);
  };

  // Every second: the response clocks of the rows shown (no request, no re-render).
  CaseTable.prototype.tickClocks = function () {
    var self = this;
    Array.prototype.forEach.call(this.el.querySelectorAll(".answer-clock"), function (c) { self.showClock(c); });
  };

  CaseTable.prototype.renderPager = function (span) {
    var words = this.words, opts = this.opts, page = this.page, pager = this.pager;
    pager.textContent = "";
    pager.appendChild(node("span", "case-pager-span",
      G.caselist.fill(words.page_of, { from: span.from, to: span.to, total: span.total })));
    var prev = node("button", "case-prev", words.prev_page), next = node("button", "case-next", words.next_page);
    prev.disabled = !span.hasPrev;
    next.disabled = !span.hasNext;
    prev.addEventListener("click", function () { opts.onPage(Math.max(0, page.offset - page.limit)); });
    next.addEventListener("click", function () { opts.onPage(page.offset + page.cases.length); });
    pager.appendChild(prev);
    pager.appendChild(next);
  };

  // The rows' risk chips again, as the clock passes (no request).
  CaseTable.prototype.recolour = function () { if (this.page) this.render(this.page, this.sort); };

  G.casetable = { CaseTable: CaseTable };
})(typeof self !== "undefined" ? self : this);
