/* gridcc live map for the desks (the lead's map, a department's desk): the wall's event core,
 * state and map view, wired to one page's config and snapshot.
 *
 * The same code as the wall (core.js orders events and catches up, state.js keeps open cases
 * per cell, map.js/mapview.js paint), for the asker's live view: the district for a lead,
 * one department for its liaison (cfg.department; the server's snapshot and events are
 * already that department's, and state.js drops a case that leaves it). Each event applied
 * is passed on to the page (opts.onEvent), which re-reads its list when the event touches it;
 * a fresh snapshot (opts.onResync) re-reads it too.
 */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};
  var RISK = "risk";
  var BOX_CLICK_MS = 400;

  // cfg: the desk's config (dashboard/desk_map.py); snap: the first snapshot; opts: onEvent(ev),
  // onResync(), onClick(level, code, name), onSelect(level, codes), onLevel(level)
  function LiveMap(cfg, snap, opts) {
    var self = this, ids = cfg.mapDeskIds, timing = cfg.timing;
    var stats = this.stats = {
      applied: 0, duplicates: 0, buffered: 0, catchUps: 0, resyncs: 0, replayed: 0, paints: 0,
      mapReadyAt: null, lastSeq: 0, mode: "load", level: "cell", paintedSeq: 0, paintLog: []
    };
    var view = { department: cfg.department || null };
    var el = function (id) { return document.getElementById(id); };
    this.cfg = cfg;
    this.clockOffset = 0;   // ms the server's clock is ahead of this screen's
    this.lastContact = 0;   // Date.now() when the server last answered or sent an event
    this.state = new G.state.State(cfg, view);
    this.connected = false;
    this.boxAt = 0;         // Date.now() when a box was last drawn on the map

    function contact(value) { self.lastContact = Date.now(); return value; }
    function get(url) { return G.http.get(url, null, { timeoutMs: timing.requestMs }).then(contact); }

    this.status = new G.status.Status(ids.clock, ids.link, cfg);
    this.counters = new G.counters.Counters(ids.counters, function () {
      return { counters: self.state.counters, risk: self.state.risk(self.nowMs() / 1000).count };
    });
    this.map = new G.map.WallMap(cfg, stats, function (mode) {
      var state = self.state;
      if (self.people && mode === self.people.mode) return self.people.coverage.values(cfg.codes);
      if (mode === RISK) {
        var worst = state.risk(self.nowMs() / 1000).worst;
        return cfg.codes.map(function (code) { return worst[code] || 0; });
      }
      return cfg.codes.map(function (code) { return state.openByCell[code] || 0; });
    }, {
      // The release of a box drag also reaches the map as a click on the shape under it:
      // that click is the box's, not a choice of its own.
      onClick: function (level, code, name) {
        if (Date.now() - self.boxAt > BOX_CLICK_MS && opts.onClick) opts.onClick(level, code, name);
      },
      onSelect: function (level, codes) {
        self.boxAt = Date.now();
        if (opts.onSelect) opts.onSelect(level, codes);
      },
      onLevel: opts.onLevel
    });

    var core = this.core = G.core.Sequencer({
      apply: function (ev) {
        var change = self.state.apply(ev);
        if (change.cells.length || (change.cases && self.map.mode === RISK)) self.map.changed();
        self.counters.queue();
        if (opts.onEvent) opts.onEvent(ev);
      },
      load: function (next, replay) {
        if (next.now) self.clockOffset = next.now * 1000 - Date.now();
        var state = new G.state.State(cfg, view);
        state.load(next);
        replay.forEach(function (ev) { state.apply(ev); });
        self.state = state;
        self.counters.queue();
        self.map.changed();
        if (opts.onResync && self.started) opts.onResync();
      },
      fetchEvents: function (since, ticket) {
        get(cfg.eventsUrl + "?since=" + since).then(
          function (body) { core.eventsPage(ticket, body); },
          function () { core.eventsFailed(ticket); });
      },
      fetchSnapshot: function (ticket) {
        get(cfg.snapshotUrl).then(
          function (body) { core.snapshotReply(ticket, body); },
          function () { core.snapshotFailed(ticket); });
      },
      fetchSeq: function (ticket) {
        get(cfg.seqUrl).then(function (body) { core.seqReply(ticket, body); }, function () {});
      },
      later: function (fn, ms) { root.setTimeout(fn, ms); }
    }, { department: view.department, stats: stats, resyncGap: timing.resyncGap, retryMs: timing.retryMs });

    core.start(snap);
    this.started = true;
    this.link = new G.live.Link(function () {
      return root.gridcc.http.socket(root.io);
    }, {
      onEvent: function (ev) { contact(); core.receive(ev); },
      onState: function (state) {
        self.connected = state === "live";
        if (self.connected) { contact(); core.connected(); }
        self.tick();
      }
    });
    this.map.bind(el(ids.mode), el(ids.title));
    root.setInterval(function () { self.tick(); }, 1000);
    root.setInterval(core.heartbeat, timing.heartbeatMs);
    root.setInterval(function () { self.riskTick(); }, timing.riskTickMs);
    this.tick();
    this.map.attach(el(ids.map), remembered("map", "gridcc.mapMode"), remembered("level", "gridcc.mapLevel"));
    // The people on patrol and today's coverage (peoplelayer.js), where cfg allows them.
    this.people = G.peoplelayer ? G.peoplelayer.wire(cfg, this.map, this.link.socket,
      function () { return self.nowMs(); },
      function () { if (self.map.mode === self.people.mode) self.map.changed(); }) : null;
    if (this.people && this.map.mode === this.people.mode) this.map.changed();
  }

  // Risk, "today" and the clock follow the server's time, not this PC's.
  LiveMap.prototype.nowMs = function () { return Date.now() + this.clockOffset; };

  LiveMap.prototype.tick = function () {
    this.map.watchdog();
    this.status.render(this.nowMs(), this.connected, this.lastContact, this.clockOffset);
    if (this.state.isNewDay(this.nowMs())) this.core.resync("new day");
  };

  LiveMap.prototype.riskTick = function () {
    this.counters.queue();
    if (this.map.mode === RISK) this.map.changed();
  };

  // Highlight these codes of the map's level (null: none).
  LiveMap.prototype.select = function (codes) { if (this.map.view) this.map.view.select(codes); };

  // The address's choice (?map=risk&level=street) wins over what this screen remembers.
  function remembered(param, key) {
    var value = new URLSearchParams(root.location.search).get(param);
    if (value) return value;
    try { return root.localStorage.getItem(key); } catch (e) { return null; }
  }

  G.livemap = { LiveMap: LiveMap };
})(typeof self !== "undefined" ? self : this);
