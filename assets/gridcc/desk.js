/* gridcc desk: the operators' desk (/desk). The queue of cases waiting at the center (oldest
 * first, waiting times growing live), the case view beside it with the duplicates nearby,
 * and the keys a trained operator works with. Every key goes through the case view's action
 * forms, which come from the case's sheet: a key whose action the sheet does not offer does
 * nothing and says so. Events re-read the queue (debounced) and the open case.
 * Dash renders the page after the scripts ran: this waits for the desk's config node.
 */
(function () {
  "use strict";

  var G = window.gridcc = window.gridcc || {};
  var MODULES = ["http", "live", "dom", "casefmt", "caseform", "casemap", "caseview", "deskqueue"];

  function configNode() { return document.querySelector("[data-desk-config]"); }
  function ready() { return configNode() && window.io && MODULES.every(function (m) { return G[m]; }); }

  function Desk(cfg) {
    var self = this, h = G.dom.h, w = this.words = cfg.labels, timing = cfg.deskTiming;
    this.cfg = cfg;
    this.ids = cfg.deskIds;
    this.offset = cfg.now * 1000 - Date.now();   // the server's clock ahead of this screen's
    this.rows = [];
    this.shown = [];
    this.total = 0;
    this.selectedId = null;
    this.filterText = "";
    this.dups = [];
    this.dupIndex = 0;
    this.dupsReady = Promise.resolve();
    this.presenceNews = null;
    this.rowNodes = {};
    this.filterInput = h("input", { type: "search", className: "desk-filter", placeholder: w.queue_filter,
      oninput: function () { self.filterText = self.filterInput.value; self.renderQueue(); },
      onkeydown: function (e) {
        if (e.key === "Enter" || e.key === "Escape" || e.key === "ArrowDown") { e.preventDefault(); self.filterInput.blur(); }
      } });
    this.totalNode = h("span", { className: "desk-total" });
    G.dom.append(this.el("filter"), [h("h2", { text: w.queue_title }), this.totalNode, this.filterInput]);

    this.link = new G.live.Link(function () {
      return G.http.socket(window.io);
    }, {
      onEvent: function (ev) { self.onEvent(ev); },
      onReconnect: function () { self.queueRead.poke(); self.caseRead.poke(); },
      onState: function (state) { self.linkState(state); }
    });
    // Presence (who else has a case open) where the page has it; without it, nothing.
    this.presence = null;
    if (G.presence && G.presence.Presence) {
      try {
        this.presence = new G.presence.Presence(this.link.socket, function (news) { self.onPresence(news); });
      } catch (e) { this.presence = null; }
    }
    var hints = {};
    Object.keys(cfg.actionKeys).forEach(function (key) { hints[cfg.actionKeys[key].action] = key; });
    this.view = new G.caseview.CaseView(this.el("case"), cfg, {
      onChanged: function (sheet, done) {
        self.toast(G.casefmt.fill(w.done_action, { id: done.id, action: done.label }));
        self.queueRead.poke();
      },
      onClosed: function () { self.renderQueue(); },
      extraSections: function (sheet) { return [self.dupSection(sheet)]; },
      presence: this.presence,
      keyHints: hints,
      emptyText: w.desk_pick,
      nowMs: function () { return self.nowMs(); }
    });
    this.queueRead = new G.live.Debounce(function () { return self.loadQueue(); }, timing.queueDebounceMs);
    this.caseRead = new G.live.Debounce(function () { return self.view.reload(); }, timing.caseDebounceMs);
    this.dupRead = new G.live.Debounce(function () {
      return self.view.caseId === null ? null : self.loadDups(self.view.caseId);
    }, timing.caseDebounceMs);
    document.addEventListener("keydown", function (e) { self.onKey(e); });
    window.setInterval(function () { self.tick(); }, 1000);
    window.setInterval(function () {
      G.http.get("/api/seq").then(function (b) { self.link.heard(b.seq); }, function () { /* pill */ });
    }, timing.heartbeatMs);
    this.loadQueue();
    this.tick();
  }

  var P = Desk.prototype;

  P.el = function (name) { return document.getElementById(this.ids[name]); };
  P.nowMs = function () { return Date.now() + this.offset; };

  // ---- the queue -------------------------------------------------------------------------
  P.loadQueue = function () {
    var self = this;
    return G.http.get(this.cfg.queueUrl, { limit: this.cfg.queueRows, lang: this.cfg.lang }).then(function (page) {
      self.rows = page.cases || [];
      self.total = page.total;
      self.renderQueue();
      self.loadPresence();
    }, function (err) { self.toast(G.casefmt.refusal(err, self.words).text); });
  };

  // Who is on the queue's cases already (the socket tells only of changes after we came).
  P.loadPresence = function () {
    var p = this.presence, ids = this.rows.map(function (r) { return r.id; });
    if (!p || !ids.length) return null;
    return G.http.get("/api/presence", { cases: ids }).then(function (body) {
      (body.updates || []).forEach(function (update) { p.load(Object.assign({ you: body.you }, update)); });
    }, function () { /* presence is a help, not the queue: the socket's updates still come */ });
  };

  P.renderQueue = function () {
    var self = this, h = G.dom.h, w = this.words, F = G.casefmt, Q = G.deskqueue;
    this.shown = Q.filter(this.rows, this.filterText);
    var before = this.selectedId;
    this.selectedId = Q.keepSelection(this.shown, this.selectedId);
    this.rowNodes = {};
    var list = G.dom.clear(this.el("queue"));
    var names = {};
    this.cfg.departments.forEach(function (d) { names[d.code] = d.name; });
    this.shown.forEach(function (row) {
      var wait = h("span", { className: "desk-wait" });
      var risk = h("span", { className: "desk-risk" });
      var presence = h("div", { className: "desk-presence", hidden: true });
      var where = [row.street_name, row.community_name, row.place].filter(Boolean).join(" · ");
      var li = h("li", { className: "desk-row", dataset: { case: row.id, status: row.status },
        onclick: function () { self.select(row.id); self.openCase(row.id); } }, [
        risk,
        h("div", { className: "desk-row-main" }, [
          h("div", { className: "desk-line" }, [
            h("span", { className: "desk-status", dataset: { status: row.status }, text: row.status_label }),
            h("span", { className: "desk-id", text: "#" + row.id }),
            h("span", { className: "desk-cat", text: row.category_name || row.category }),
            row.priority && row.priority !== "normal" ? h("span", { className: "cv-priority", text: w["priority_" + row.priority] || row.priority }) : null,
            row.urgent && row.priority === "normal" ? h("span", { className: "cv-priority", text: w.urgent_banner }) : null,
            row.drill ? h("span", { className: "urgent-drill", text: w.urgent_drill }) : null,
            wait
          ]),
          h("div", { className: "desk-line desk-line2" }, [
            h("span", { className: "desk-where", text: where }),
            h("span", { className: "desk-sugg", title: w.suggested }, [
              h("span", { className: "desk-sugg-word", text: w.suggested }),
              names[row.suggested_department] || row.suggested_department])
          ]),
          row.description ? h("div", { className: "desk-desc", text: row.description }) : null,
          presence
        ])
      ]);
      self.rowNodes[row.id] = { li: li, wait: wait, risk: risk, presence: presence, row: row };
      list.appendChild(li);
    });
    if (!this.shown.length) {
      list.appendChild(h("li", { className: "desk-row-empty", text: this.rows.length ? w.queue_no_match : w.queue_empty }));
    }
    this.totalNode.textContent = this.filterText.trim()
      ? F.fill(w.queue_filtered, { shown: this.shown.length, n: this.total })
      : this.total > this.rows.length ? F.fill(w.queue_shown, { shown: this.rows.length, n: this.total })
        : F.fill(w.queue_total, { n: this.total });
    this.markSelection(this.selectedId !== before);
    this.showPresence();
    this.tick();
  };

  // scroll: bring the selected row into view (when the selection moved, not on every re-read,
  // which would pull back a list someone scrolled with the mouse)
  P.markSelection = function (scroll) {
    var self = this;
    Object.keys(this.rowNodes).forEach(function (id) {
      var node = self.rowNodes[id].li;
      node.classList.toggle("selected", Number(id) === self.selectedId);
      node.classList.toggle("open", Number(id) === self.view.caseId);
    });
    var chosen = this.rowNodes[this.selectedId];
    if (chosen && scroll) chosen.li.scrollIntoView({ block: "nearest" });
  };

  P.select = function (id) { this.selectedId = id; this.markSelection(true); };

  P.selectedRow = function () {
    var n = this.rowNodes[this.selectedId];
    return n ? n.row : null;
  };

  P.openCase = function (id) {
    this.dups = [];
    this.dupIndex = 0;
    var opened = this.view.open(id);
    this.markSelection(true);
    return opened;
  };

  // Every second: waiting times, risk colours, the header's counts and clock.
  P.tick = function () {
    var self = this, F = G.casefmt, now = this.nowMs(), w = this.words;
    Object.keys(this.rowNodes).forEach(function (id) {
      var n = self.rowNodes[id];
      n.wait.textContent = F.waiting(n.row.updated_at, now, w);
      var level = F.riskNow(n.row.risk_at, now / 1000, self.cfg, true);
      n.risk.style.setProperty("background", F.riskLook(level, self.cfg).color);
      n.risk.title = F.riskLook(level, self.cfg).word;
    });
    this.renderCounts(now);
    var clock = this.el("clock");
    if (clock) {
      clock.textContent = new Date(now).toLocaleTimeString(this.cfg.lang === "zh" ? "zh-CN" : "en-GB",
        { timeZone: this.cfg.timeZone, hour12: false });
    }
  };

  P.renderCounts = function (now) {
    var h = G.dom.h, w = this.words, c = G.deskqueue.counts(this.rows), order = Object.keys(this.cfg.statuses);
    c.byStatus.sort(function (a, b) { return order.indexOf(a.status) - order.indexOf(b.status); });
    var parts = c.byStatus.map(function (s) {
      return h("div", { className: "desk-count", dataset: { status: s.status } }, [
        h("span", { className: "desk-count-label", text: s.label }), h("span", { className: "desk-count-n", text: s.n })]);
    });
    if (c.oldest) {
      parts.push(h("div", { className: "desk-count oldest" }, [
        h("span", { className: "desk-count-label", text: w.oldest_wait }),
        h("span", { className: "desk-count-n", text: G.casefmt.waiting(c.oldest, now, w) })]));
    }
    G.dom.append(G.dom.clear(this.el("counts")), parts);
  };

  // ---- the duplicates beside the open case ------------------------------------------------
  P.dupSection = function (sheet) {
    var h = G.dom.h, w = this.words;
    this.dupList = h("ol", { className: "cv-dup-list" });
    this.loadDups(sheet.id);
    return h("section", { className: "cv-dups" }, [h("h3", { text: w.cv_duplicates }), this.dupList]);
  };

  // The earlier reports the open case may repeat; the selected one stays selected.
  P.loadDups = function (id) {
    var self = this, list = this.dupList;
    this.dupsReady = G.http.get("/api/cases/" + id + "/duplicates", { lang: this.cfg.lang }).then(function (body) {
      if (self.view.caseId !== id || self.dupList !== list) return;
      var kept = self.dups[self.dupIndex];
      self.dups = body.duplicates || [];
      var at = kept ? self.dups.map(function (d) { return d.id; }).indexOf(kept.id) : 0;
      self.dupIndex = Math.max(0, at);
      self.renderDups();
    }, function (err) { list.textContent = G.casefmt.refusal(err, self.words).text; });
    return this.dupsReady;
  };

  P.renderDups = function () {
    var self = this, h = G.dom.h, w = this.words, F = G.casefmt;
    var mergeable = Boolean(this.view.offered("merge"));
    var items = this.dups.map(function (d, i) {
      return h("li", { className: "cv-dup" + (i === self.dupIndex ? " selected" : ""), dataset: { case: d.id } }, [
        h("div", { className: "cv-dup-head" }, [
          h("span", { className: "cv-id", text: "#" + d.id }),
          h("span", { className: "desk-status", dataset: { status: d.status }, text: d.status_label }),
          h("span", { className: "cv-dup-at", text: F.localTime(d.created_at) })
        ]),
        h("div", { className: "cv-dup-where", text: [d.street_name, d.community_name,
          F.shortCell(d.cell_name, [d.street_name, d.community_name]), d.place].filter(Boolean).join(" · ") }),
        d.description ? h("div", { className: "cv-dup-desc", text: d.description }) : null,
        mergeable ? h("button", { type: "button", className: "cv-merge", text: w.cv_merge_into + (i === self.dupIndex ? "  (m)" : ""),
          onclick: function () { self.dupIndex = i; self.runKey("m"); } }) : null
      ]);
    });
    if (!items.length) items = [h("li", { className: "cv-dup-none", text: w.cv_no_duplicates })];
    G.dom.append(G.dom.clear(this.dupList), items);
  };

  P.moveDup = function (step) {
    if (!this.dups.length) return;
    this.dupIndex = Math.max(0, Math.min(this.dups.length - 1, this.dupIndex + step));
    this.renderDups();
  };

  // ---- keys ------------------------------------------------------------------------------
  P.onKey = function (e) {
    var t = e.target, tag = t && t.tagName;
    var typing = tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable);
    var help = this.el("help");
    if (e.key === "Escape") {
      if (help && !help.hidden) { help.hidden = true; e.preventDefault(); return; }
      if (!typing) this.view.cancelForm();
      return;
    }
    if (typing || (tag === "BUTTON" && (e.key === "Enter" || e.key === " "))) return;
    var cmd = G.deskqueue.command(e, this.cfg.actionKeys);
    if (!cmd) return;
    e.preventDefault();
    if (cmd.key) { this.runKey(e.key); return; }
    var m = cmd.move;
    if (m === "down" || m === "up") this.select(G.deskqueue.move(this.shown, this.selectedId, m === "down" ? 1 : -1));
    else if (m === "open" && this.selectedId !== null) this.openCase(this.selectedId);
    else if (m === "filter") this.filterInput.focus();
    else if (m === "help" && help) help.hidden = !help.hidden;
    else if (m === "dupPrev" || m === "dupNext") this.moveDup(m === "dupNext" ? 1 : -1);
  };

  // A key's action on the selected case, through the case view's own form for it.
  P.runKey = function (key) {
    var self = this, w = this.words, binding = this.cfg.actionKeys[key], row = this.selectedRow();
    if (!row) { this.toast(w.desk_nothing_selected); return Promise.resolve(false); }
    var opened = this.view.caseId === row.id && this.view.sheet ? Promise.resolve(this.view.sheet) : this.openCase(row.id);
    return opened.then(function (sheet) {
      if (!sheet || self.view.caseId !== row.id || self.view.sending) return false;
      if (!self.view.offered(binding.action)) {
        self.toast(G.casefmt.fill(w.key_not_offered, { action: self.cfg.actionLabels[binding.action] || binding.action }));
        return false;
      }
      return self.dupsReady.then(function () {
        var filled = G.deskqueue.keyValues(binding, row, self.dups[self.dupIndex]);
        if (filled.lacking) { self.toast(filled.lacking === "duplicate" ? w.no_duplicate : w.desk_nothing_selected); return false; }
        return self.view.run(binding.action, filled.values, binding.direct);
      });
    });
  };

  // ---- live ------------------------------------------------------------------------------
  P.onEvent = function (ev) {
    this.queueRead.poke();
    if (ev.case_id === this.view.caseId) this.caseRead.poke();
    else if (this.dups.some(function (d) { return d.id === ev.case_id; })) this.dupRead.poke();
  };

  P.linkState = function (state) {
    var pill = this.el("link"), w = this.words;
    if (!pill) return;
    pill.className = "link-status " + (state === "live" ? "live" : "stale");
    pill.textContent = state === "live" ? w.live : w.stale;
  };

  P.onPresence = function (news) {
    this.presenceNews = news;
    this.showPresence();
  };

  P.showPresence = function () {
    var self = this, F = G.casefmt, news = this.presenceNews;
    if (!news) return;
    Object.keys(this.rowNodes).forEach(function (id) {
      var people = F.presentOn(news, id, self.cfg.roles), node = self.rowNodes[id].presence;
      node.textContent = people.length ? F.presenceText(people, self.words) : "";
      node.hidden = !people.length;
    });
    if (this.view.caseId !== null) this.view.showPresence(F.presentOn(news, this.view.caseId, this.cfg.roles));
  };

  P.toast = function (text) {
    var node = this.el("toast"), self = this;
    if (!node) return;
    node.textContent = text;
    node.classList.add("show");
    window.clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(function () { node.classList.remove("show"); }, self.cfg.deskTiming.toastMs);
  };

  function start() {
    if (!ready()) {
      var watch = new MutationObserver(function () {
        if (ready()) { watch.disconnect(); start(); }
      });
      watch.observe(document.body, { childList: true, subtree: true });
      if (!ready()) return;
      watch.disconnect();
    }
    var node = configNode();
    if (node.dataset.started) return;
    node.dataset.started = "1";
    G.desk = new Desk(JSON.parse(node.getAttribute("data-desk-config")));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
