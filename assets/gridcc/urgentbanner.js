/* gridcc urgent banner: the urgent fast path on any screen (the wall, the desks, the phone).
 *
 * A page that may receive urgent alerts carries a node with data-urgent (its config:
 * dashboard/urgent_page.py); this module then opens a socket of its own (the server joins it
 * to the person's room and, for the center's screens, the center's room, and sends again
 * every alert still unacknowledged), shows each alert as a banner that stays until the case
 * is acknowledged (by anyone: the case's acknowledge event takes it down everywhere), sounds
 * a short alarm generated with WebAudio (no audio file), and on the wall keeps a panel of
 * the open urgent cases with their response clocks ticking. A drill says 演练/DRILL.
 *
 * API for other pages (the phone page): include the config node and this module starts by
 * itself; or call gridcc.urgentbanner.start({config: {...}, socket: anIoSocket}). Pure parts
 * (stepRows, duration, Alerts, ends) are exported for node --test.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(root);
  else { root.gridcc = root.gridcc || {}; root.gridcc.urgentbanner = factory(root); }
})(typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  var EVENT = "urgent_alert";

  // "m:ss" (or "h:mm:ss") for a number of seconds; negative shows as 0:00.
  function duration(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : String(m);
    return (h ? h + ":" : "") + mm + ":" + (r < 10 ? "0" : "") + r;
  }

  // The clock's rows at nowS (epoch s): the start, then each step with when it happened
  // (time from the start), its target, and its state: met / missed (done late) / late (not
  // done, past due) / waiting (not done, still in time).
  function stepRows(clock, nowS, labels) {
    var w = labels || {};
    if (!clock) return [];
    var rows = [{
      step: "start", label: w["urgent_step_start_" + clock.started_by] || clock.started_by,
      state: "met", text: "0:00", target: ""
    }];
    clock.steps.forEach(function (s) {
      var done = s.at !== null && s.at !== undefined;
      var state = done ? (s.at <= s.due ? "met" : "missed") : (nowS > s.due ? "late" : "waiting");
      var targetMin = Math.round((s.due - clock.start) / 60);
      rows.push({
        step: s.step, label: w["urgent_step_" + s.step] || s.step, state: state,
        text: duration((done ? s.at : nowS) - clock.start),
        target: (w.urgent_target || "target") + " " + targetMin + (w.urgent_minutes || "min"),
        left: done ? null : s.due - nowS
      });
    });
    return rows;
  }

  // The first step not yet taken (null: all done).
  function nextStep(clock) {
    if (!clock) return null;
    return clock.steps.filter(function (s) { return s.at === null || s.at === undefined; })[0] || null;
  }

  // Whether a case event takes an alert down: acknowledged, or the case closed (closedStates:
  // the page's config, as the server names them).
  function ends(ev, closedStates) {
    return ev.kind === "case.acknowledge" || (closedStates || []).indexOf(ev.to) >= 0;
  }

  // The alerts standing on this screen, by case id.
  function Alerts() { this.byCase = {}; }
  Alerts.prototype.add = function (alert) {
    var fresh = !this.byCase[alert.case_id];
    this.byCase[alert.case_id] = alert;
    return fresh;
  };
  Alerts.prototype.remove = function (caseId) {
    var had = Boolean(this.byCase[caseId]);
    delete this.byCase[caseId];
    return had;
  };
  Alerts.prototype.list = function () {
    var all = this.byCase;
    return Object.keys(all).map(function (k) { return all[k]; }).sort(function (a, b) {
      return ((a.clock && a.clock.start) || 0) - ((b.clock && b.clock.start) || 0) || a.case_id - b.case_id;
    });
  };

  // ---- the alarm: two tones, three times, made on the spot ---------------------------------
  var audio = null;
  var stats = { alerts: 0, sounds: 0, soundBlocked: 0, acks: 0 };

  function alarm() {
    var Ctx = root.AudioContext || root.webkitAudioContext;
    if (!Ctx) return false;
    try {
      audio = audio || new Ctx();
      if (audio.state === "suspended" && audio.resume) audio.resume();
      var t = audio.currentTime + 0.05;
      for (var i = 0; i < 6; i += 1) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.type = "square";
        osc.frequency.value = i % 2 ? 660 : 880;
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.18);
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(t);
        osc.stop(t + 0.2);
        t += 0.22;
      }
      stats.sounds += 1;
      if (audio.state === "suspended") stats.soundBlocked += 1;
      return audio.state !== "suspended";
    } catch (e) {
      return false;
    }
  }

  // ---- the screen --------------------------------------------------------------------------
  function h(tag, props, children) { return root.gridcc.dom.h(tag, props, children); }

  function fill(template, id, name) {
    return template.replace("{id}", encodeURIComponent(id)).replace("{name}", encodeURIComponent(name || ""));
  }

  function Screen(cfg, socket) {
    var self = this;
    this.cfg = cfg;
    this.w = cfg.labels || {};
    this.alerts = new Alerts();
    this.open = [];      // the wall's panel: open urgent cases
    this.offset = 0;     // s the server's clock is ahead of this screen's
    this.bar = h("div", { className: "urgent-banners", attrs: { role: "alert", "aria-live": "assertive" } });
    root.document.body.appendChild(this.bar);
    this.panel = cfg.panel ? root.document.getElementById(cfg.panelId) : null;
    this.socket = socket;
    socket.on(EVENT, function (alert) { self.onAlert(alert); });
    socket.on("case_events", function (batch) { (batch || []).forEach(function (ev) { self.onEvent(ev); }); });
    socket.on("connect", function () { if (self.panel) self.refresh(); });
    root.setInterval(function () { self.tick(); }, 1000);
    if (cfg.mayDrill) this.drillButton();
    if (this.panel) {
      root.setInterval(function () { self.refresh(); }, cfg.refreshMs || 15000);
      this.refresh();
    }
  }

  // A shift lead starts a drill (the server checks that they may, and marks it 演练).
  Screen.prototype.drillButton = function () {
    var self = this, w = this.w;
    var button = h("button", { type: "button", className: "urgent-drill-start", text: w.urgent_drill_start,
      onclick: function () {
        button.disabled = true;
        root.gridcc.http.post(self.cfg.urls.drill, {}).then(function () { button.disabled = false; },
          function () { button.disabled = false; });
      } });
    // In the page's header, where it covers nothing (a page without one: the body's end).
    var header = root.document.querySelector(".wall-header");
    (header || root.document.body).appendChild(button);
  };

  // A browser that plays no sound before a click (its autoplay rule): one click turns it on.
  Screen.prototype.soundButton = function () {
    var self = this;
    if (this.soundNode || !audio) return;
    this.soundNode = h("button", { type: "button", className: "urgent-sound-on", text: this.w.urgent_sound_on,
      onclick: function () {
        audio.resume().then(function () { alarm(); });
        self.soundNode.remove();
        self.soundNode = null;
      } });
    root.document.body.appendChild(this.soundNode);
  };

  Screen.prototype.nowS = function () { return Date.now() / 1000 + this.offset; };

  Screen.prototype.onAlert = function (alert) {
    stats.alerts += 1;
    if (this.alerts.add(alert) && !alarm()) this.soundButton();
    this.render();
    if (this.panel) this.refresh();
  };

  Screen.prototype.onEvent = function (ev) {
    if (ends(ev, this.cfg.closedStates) && this.alerts.remove(ev.case_id)) this.render();
    if (this.panel && (ev.urgent || ev.kind === "case.flag_urgent")) this.refresh();
  };

  Screen.prototype.refresh = function () {
    var self = this;
    if (this.refreshing) return;
    this.refreshing = true;
    root.gridcc.http.get(this.cfg.urls.open).then(function (answer) {
      self.refreshing = false;
      self.offset = answer.now - Date.now() / 1000;
      self.open = answer.cases || [];
      self.renderPanel();
    }, function () { self.refreshing = false; });
  };

  Screen.prototype.acknowledge = function (alert, button) {
    var self = this, urls = this.cfg.urls;
    button.disabled = true;
    function send(retry) {
      return root.gridcc.http.get(fill(urls.case, alert.case_id)).then(function (answer) {
        return root.gridcc.http.post(fill(urls.action, alert.case_id, "acknowledge") + "?lang=" + self.cfg.lang,
          { expected_version: answer.case.version });
      }).catch(function (err) {
        if (retry && err && err.status === 409) return send(false);  // changed meanwhile: once more
        throw err;
      });
    }
    send(true).then(function () {
      stats.acks += 1;
      self.alerts.remove(alert.case_id);
      self.render();
    }, function () {
      button.disabled = false;
      button.textContent = self.w.urgent_ack_failed || "retry";
    });
  };

  Screen.prototype.badge = function (alert) {
    var w = this.w;
    return [
      h("span", { className: "urgent-badge", text: w.urgent_banner || "紧急" }),
      alert.drill ? h("span", { className: "urgent-drill", text: w.urgent_drill || "演练" }) : null
    ];
  };

  Screen.prototype.render = function () {
    var self = this, w = this.w, lang = this.cfg.lang;
    var all = this.alerts.list();
    var most = this.cfg.maxBanners || all.length;
    var list = all.slice(-most);  // the newest few; the rest are counted below them
    root.gridcc.dom.clear(this.bar);
    list.forEach(function (alert) {
      var name = lang === "en" ? alert.category_en : alert.category_zh;
      var why = (alert.why || []).map(function (k) { return w["urgent_why_" + k] || k; }).join("、");
      var count = alert.addressed ? (w.urgent_addressed || "") + " " + alert.addressed.length + " " + (w.urgent_people || "") : "";
      var button = null;
      if (self.cfg.mayAcknowledge) {
        button = h("button", { type: "button", className: "urgent-ack", text: w.urgent_ack || "收到",
          dataset: { case: alert.case_id }, onclick: function () { self.acknowledge(alert, button); } });
      }
      self.bar.appendChild(h("div", {
        className: "urgent-banner" + (alert.drill ? " is-drill" : ""),
        dataset: { case: alert.case_id, drill: alert.drill ? "1" : "0" }
      }, [
        h("div", { className: "urgent-line" }, self.badge(alert).concat([
          h("strong", { className: "urgent-what", text: "#" + alert.case_id + " " + name }),
          h("span", { className: "urgent-where", text: alert.place || alert.cell }),
          h("span", { className: "urgent-next", dataset: { case: alert.case_id } })
        ])),
        h("div", { className: "urgent-line urgent-detail" }, [
          h("span", { className: "urgent-desc", text: alert.description }),
          why ? h("span", { className: "urgent-why", text: why }) : null,
          count ? h("span", { className: "urgent-count", text: count }) : null,
          alert.drill ? h("span", { className: "urgent-drill-note", text: w.urgent_drill_note }) : null
        ]),
        button
      ]));
    });
    if (all.length > list.length) {
      this.bar.appendChild(h("div", { className: "urgent-more",
        text: (w.urgent_more || "+{n}").replace("{n}", String(all.length - list.length)) }));
    }
    this.bar.hidden = !list.length;
    this.tick();
  };

  Screen.prototype.renderPanel = function () {
    var self = this, w = this.w, lang = this.cfg.lang;
    if (!this.panel) return;
    root.gridcc.dom.clear(this.panel);
    this.panel.hidden = false;
    this.panel.appendChild(h("h2", { className: "panel-title", text: w.urgent_panel }));
    if (!this.open.length) {
      this.panel.appendChild(h("p", { className: "urgent-none", text: w.urgent_none }));
      return;
    }
    this.open.forEach(function (c) {
      var name = lang === "en" ? c.category_en : c.category_zh;
      self.panel.appendChild(h("div", { className: "urgent-case" + (c.drill ? " is-drill" : ""), dataset: { case: c.case_id } }, [
        h("div", { className: "urgent-line" }, self.badge(c).concat([
          h("strong", { text: "#" + c.case_id + " " + name }),
          h("span", { className: "urgent-where", text: c.place || c.cell })
        ])),
        h("ol", { className: "urgent-clock", dataset: { case: c.case_id } })
      ]));
    });
    this.tick();
  };

  Screen.prototype.tick = function () {
    var self = this, now = this.nowS(), w = this.w;
    this.alerts.list().forEach(function (alert) {
      var node = self.bar.querySelector('.urgent-next[data-case="' + alert.case_id + '"]');
      if (!node || !alert.clock) return;
      var next = nextStep(alert.clock);
      if (!next) { node.textContent = ""; return; }
      var left = next.due - now;
      node.textContent = (w["urgent_step_" + next.step] || next.step) + " " + (left < 0 ? "+" : "") + duration(Math.abs(left));
      node.classList.toggle("late", left < 0);
    });
    if (!this.panel) return;
    this.open.forEach(function (c) {
      var list = self.panel.querySelector('.urgent-clock[data-case="' + c.case_id + '"]');
      if (list) renderClock(list, c.clock, now, w);
    });
  };

  // Fill an <ol> with the clock's rows at nowS (the case view uses it too).
  function renderClock(list, clock, nowS, labels) {
    root.gridcc.dom.clear(list);
    stepRows(clock, nowS, labels).forEach(function (row) {
      list.appendChild(h("li", { className: "urgent-step is-" + row.state, dataset: { step: row.step, state: row.state } }, [
        h("span", { className: "urgent-step-label", text: row.label }),
        h("span", { className: "urgent-step-time", text: row.text }),
        h("span", { className: "urgent-step-target", text: row.target })
      ]));
    });
  }

  // The case view's section: the response clock of an urgent case (null: not urgent).
  function caseSection(urgent, labels, nowS) {
    if (!urgent || !urgent.urgent || !urgent.clock) return null;
    var list = h("ol", { className: "urgent-clock cv-urgent-clock" });
    renderClock(list, urgent.clock, nowS, labels);
    return h("section", { className: "cv-urgent" + (urgent.drill ? " is-drill" : "") }, [
      h("div", { className: "cv-clock-title" }, [
        h("span", { className: "urgent-badge", text: labels.urgent_banner }),
        urgent.drill ? h("span", { className: "urgent-drill", text: labels.urgent_drill }) : null,
        " " + labels.urgent_clock
      ]),
      list
    ]);
  }

  var screen = null;

  function start(opts) {
    if (screen) return screen;
    var cfg = opts.config;
    var socket = opts.socket || root.gridcc.http.socket(root.io);
    screen = new Screen(cfg, socket);
    root.gridcc.urgentbanner.screen = screen;
    return screen;
  }

  // Started by the page's config node, once the page and its modules are there.
  function autostart() {
    if (typeof root.document === "undefined") return;
    function ready() {
      return root.document.querySelector("[data-urgent]") && root.io && root.gridcc.dom && root.gridcc.http;
    }
    function go() {
      var node = root.document.querySelector("[data-urgent]");
      start({ config: JSON.parse(node.getAttribute("data-urgent")) });
    }
    if (ready()) { go(); return; }
    var watch = new root.MutationObserver(function () {
      if (ready()) { watch.disconnect(); go(); }
    });
    watch.observe(root.document.documentElement, { childList: true, subtree: true });
  }
  if (typeof root.document !== "undefined") {
    if (root.document.readyState === "loading") root.document.addEventListener("DOMContentLoaded", autostart);
    else root.setTimeout(autostart, 0);
  }

  return {
    duration: duration, stepRows: stepRows, nextStep: nextStep, ends: ends, Alerts: Alerts,
    renderClock: renderClock, caseSection: caseSection, start: start, alarm: alarm, stats: stats,
    EVENT: EVENT
  };
});
