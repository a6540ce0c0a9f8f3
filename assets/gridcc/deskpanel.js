/* gridcc desk panel: what the lead's map and a department's desk do alike with their list —
 * the place it is of (shapes chosen on the map), its filters, its server-read pages (one
 * request at a time, re-read live through a debounce), its messages, and opening a case in
 * the shared case view (assets/gridcc/caseview.js, where it is loaded).
 */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};
  var MAX_LINES = 6;  // refusals listed under a bulk action's result
  var MAX_WATCHED = 200;  // cells one screen may watch (cases/presence.py MAX_CELLS)

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = text;
    return n;
  }

  // cfg: the desk's config; live: its LiveMap; opts: columns, ticks (a Selection or null),
  // wholeView (true: no place lists the whole view; false: it lists nothing), onRows(page)
  function DeskPanel(cfg, live, opts) {
    var ids = cfg.mapDeskIds, self = this, L = G.caselist;
    this.cfg = cfg;
    this.live = live;
    this.opts = opts;
    this.words = cfg.labels;
    this.place = null;
    this.placeCells = null;
    this.sort = { key: "deadline", order: "asc" };
    this.offset = 0;
    this.page = null;
    this.reads = 0;      // lists read (the browser tests wait on it)
    this.el = function (id) { return document.getElementById(id); };
    this.filtersEl = this.el(ids.filters);
    this.placeEl = this.el(ids.place);
    this.messageEl = this.el(ids.message);
    this.table = new G.casetable.CaseTable(this.el(ids.table), this.el(ids.pager), cfg, {
      columns: opts.columns,
      ticks: opts.ticks,
      nowS: function () { return live.nowMs() / 1000; },
      onSort: function (key) { self.sort = L.nextSort(self.sort, key); self.restart(); },
      onPage: function (offset) { self.offset = offset; self.clearTicks(); self.reload.poke(); },
      onTick: function () { self.ticked(); },
      onOpen: G.caseview ? function (id) { self.openCase(id); } : null,
      openId: function () { return self.caseView ? self.caseView.caseId : null; }
    });
    this.reload = new G.live.Debounce(function () { return self.read(); }, cfg.debounceMs);
    Array.prototype.forEach.call(this.filtersEl.querySelectorAll("select"), function (s) {
      s.addEventListener("change", function () { self.filterChanged(s); });
    });
    this.presence = this.makePresence();
    this.caseView = this.makeCaseView();
    this.showPlace();
  }

  DeskPanel.prototype.filters = function () {
    var out = {};
    Array.prototype.forEach.call(this.filtersEl.querySelectorAll("select"), function (s) {
      out[s.name] = s.value;
    });
    return out;
  };

  DeskPanel.prototype.filterChanged = function (select) {
    // A street / community chosen in the filter replaces shapes chosen on the map.
    if (select.name === "place" && select.value && this.place) this.setPlace(null, true);
    this.restart();
  };

  // Another list (place, filters, order): from its first page, nothing ticked.
  DeskPanel.prototype.restart = function () {
    this.offset = 0;
    this.clearTicks();
    this.reload.poke();
  };

  DeskPanel.prototype.clearTicks = function () {
    if (this.opts.ticks) { this.opts.ticks.clear(); this.ticked(); }
  };

  DeskPanel.prototype.ticked = function () {
    if (this.page) this.table.render(this.page, this.sort);
    if (this.opts.onTicks) this.opts.onTicks();
  };

  DeskPanel.prototype.setPlace = function (place, quiet) {
    this.place = place;
    this.placeCells = G.caselist.cellsOf(this.cfg.levels, this.cfg.codes, place);
    this.live.select(place ? place.codes : null);
    if (place) {
      var filter = this.filtersEl.querySelector("select[name=place]");
      if (filter) filter.value = "";
    }
    this.showPlace();
    this.announcePlace();
    if (!quiet) this.restart();
  };

  DeskPanel.prototype.showPlace = function () {
    var el = this.placeEl, words = this.words, place = this.place, self = this;
    el.textContent = "";
    this.placePresence = null;
    if (!place) {
      el.appendChild(node("span", "case-place-none", this.opts.wholeView ? words.place_all : words.place_none));
      return;
    }
    var shown = place.names.slice(0, 4).join("、") + (place.names.length > 4 ? " …" : "");
    el.appendChild(node("span", "case-place-level", words["level_" + place.level]));
    el.appendChild(node("span", "case-place-names", shown));
    if (place.codes.length > 1) el.appendChild(node("span", "case-place-count", "× " + place.codes.length));
    this.placePresence = el.appendChild(node("span", "case-place-presence"));
    this.showPlacePresence();
    var clear = el.appendChild(node("button", "case-place-clear", words.clear_place));
    clear.addEventListener("click", function () { self.setPlace(null); });
  };

  // An event the live map applied: re-read when it may change this list.
  DeskPanel.prototype.heard = function (ev) {
    if (this.caseView && ev.case_id === this.caseView.caseId) this.caseRead.poke();
    if (!this.place && !this.opts.wholeView) return;
    var ids = this.page ? this.page.cases.map(function (r) { return r.id; }) : [];
    if (G.live.touches(ev, ids, this.place ? this.placeCells : null)) this.reload.poke();
  };

  DeskPanel.prototype.read = function () {
    var self = this, cfg = this.cfg, L = G.caselist;
    if (!this.place && !this.opts.wholeView) {
      this.page = null;
      this.table.message(this.words.lead_hint);
      if (this.opts.onRows) this.opts.onRows(null);
      return Promise.resolve();
    }
    if (this.place && this.place.codes.length > cfg.maxPlaceCodes) {
      this.page = null;
      this.table.message(L.fill(this.words.too_many_places, { n: cfg.maxPlaceCodes }));
      return Promise.resolve();
    }
    var query = L.listQuery(this.place, this.filters(), this.sort, this.offset, cfg.pageSize, cfg.lang);
    if (this.opts.extraQuery) this.opts.extraQuery(query);
    return G.http.get(cfg.casesUrl, query).then(function (page) {
      self.page = page;
      if (self.opts.ticks) self.opts.ticks.refresh(page.cases);
      self.table.render(page, self.sort);
      self.reads += 1;
      if (self.opts.onRows) self.opts.onRows(page);
    }, function (err) {
      self.say("error", self.words.list_failed + G.casefmt.message(err, self.words));
    });
  };

  // kind: "info" | "error"; lines: more text under the first.
  DeskPanel.prototype.say = function (kind, text, lines) {
    var el = this.messageEl;
    el.textContent = "";
    el.className = "case-message " + (kind || "");
    if (!text) return;
    el.appendChild(node("div", "case-message-head", text));
    (lines || []).forEach(function (line) { el.appendChild(node("div", "case-message-line", line)); });
  };

  // What a refusal says: a case changed meanwhile names who changed it, when and to what; a
  // case in a state the action does not start from says so; else the server's words.
  DeskPanel.prototype.refusal = function (r, actionLabel) {
    var words = this.words, fill = G.caselist.fill;
    var values = {
      who: r.changed_by, at: (r.changed_at || "").replace("T", " ").slice(5, 16),
      status: this.statusName(r.current_status), action: (actionLabel || "").toLowerCase()
    };
    if (r.error === "conflict" && r.changed_by) return "#" + r.id + " " + fill(words.changed_by, values);
    if (r.error === "invalid_transition" && r.current_status) return "#" + r.id + " " + fill(words.cannot_now, values);
    return "#" + r.id + " " + G.casefmt.message(r, words);
  };

  // A bulk action's refusals, at most MAX_LINES of them, then how many more.
  DeskPanel.prototype.refusals = function (refused, actionLabel) {
    var self = this, lines = refused.slice(0, MAX_LINES).map(function (r) { return self.refusal(r, actionLabel); });
    if (refused.length > MAX_LINES) lines.push(G.caselist.fill(this.words.more_n, { n: refused.length - MAX_LINES }));
    return lines;
  };

  DeskPanel.prototype.statusName = function (code) { return (this.cfg.statuses || {})[code] || code; };

  // The shared case view (caseview.js), over the map; presence (presence.js) tells who else
  // has the case, or the chosen cells, open. Without either module, rows do not open.
  DeskPanel.prototype.makeCaseView = function () {
    if (!G.caseview || !G.caseview.CaseView) return null;
    var self = this, cfg = this.cfg, live = this.live, host = this.el(cfg.mapDeskIds.caseView);
    var view = new G.caseview.CaseView(host, cfg, {
      onChanged: function (sheet, done) {
        self.say("info", G.caselist.fill(self.words.done_action, { id: done.id, action: done.label }));
        self.reload.poke();
      },
      onClosed: function () {
        host.classList.remove("open");
        self.markOpen();
        self.announcePlace();
      },
      extraSections: function (sheet) {
        var photos = G.casephotos ? G.casephotos.section(sheet, cfg, function () { view.reload(); }) : null;
        var nearest = G.nearest ? G.nearest.section(sheet, cfg, live.nowMs.bind(live)) : null;
        return [photos, nearest].filter(Boolean);
      },
      presence: this.presence,
      emptyText: "",
      nowMs: function () { return live.nowMs(); }
    });
    this.caseRead = new G.live.Debounce(function () { return view.reload(); }, cfg.debounceMs);
    return view;
  };

  DeskPanel.prototype.openCase = function (id) {
    if (!this.caseView) return;
    this.el(this.cfg.mapDeskIds.caseView).classList.add("open");
    this.caseView.open(id);
    this.markOpen();
  };

  // The open case's row stands out in the list.
  DeskPanel.prototype.markOpen = function () {
    var open = this.caseView ? this.caseView.caseId : null;
    Array.prototype.forEach.call(this.table.el.querySelectorAll("tr[data-case]"), function (tr) {
      tr.classList.toggle("open-case", Number(tr.getAttribute("data-case")) === open);
    });
  };

  DeskPanel.prototype.makePresence = function () {
    if (!G.presence || !G.presence.Presence) return null;
    var self = this;
    try {
      return new G.presence.Presence(this.live.link.socket, function (news) { self.onPresence(news); });
    } catch (e) { return null; }
  };

  // This screen watches the chosen cells (when no case is open): others see it, it sees them.
  DeskPanel.prototype.announcePlace = function () {
    var p = this.presence;
    if (!p || (this.caseView && this.caseView.caseId !== null)) return;
    if (this.placeCells && this.placeCells.length) p.watchCells(this.placeCells.slice(0, MAX_WATCHED));
    else p.close();
  };

  DeskPanel.prototype.onPresence = function (news) {
    var F = G.casefmt, view = this.caseView, roles = this.cfg.roles;
    if (view && view.caseId !== null && F) view.showPresence(F.presentOn(news, view.caseId, roles));
    this.showPlacePresence();
  };

  // Who else is looking at the chosen cells, under the place's name.
  DeskPanel.prototype.showPlacePresence = function () {
    var p = this.presence, node = this.placePresence, roles = this.cfg.roles, seen = {}, people = [];
    if (!node) return;
    (p && this.placeCells ? this.placeCells.slice(0, MAX_WATCHED) : []).forEach(function (code) {
      p.othersOnCell(code).forEach(function (person) {
        if (seen[person.user]) return;
        seen[person.user] = true;
        people.push({ name: person.name, role: roles[person.role] || person.role, mode: "view" });
      });
    });
    node.textContent = people.length && G.casefmt ? G.casefmt.presenceText(people, this.words) : "";
    node.hidden = !people.length;
  };

  G.deskpanel = { DeskPanel: DeskPanel, node: node };
})(typeof self !== "undefined" ? self : this);
