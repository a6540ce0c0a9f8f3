/* gridcc wall: wires the core, the state and the views to the page, the socket and the API.
 *
 * Why in plain JS and not Dash callbacks: events delivered as the latest value of a Dash
 * prop, or through one server callback per event, were measured to drop events on this
 * kind of machine (shared/notes/live-map-measurements.md). The rules of the live loop:
 * every socket event is handled in the page itself, as it arrives (core.js orders them and
 * applies each once); the map is recoloured in batches with one paint in flight; counters
 * and the alert list are redrawn at most once a frame however many events came; what moves
 * with the clock alone (risk colours, counters, the alert list's times) moves on the risk
 * tick.
 * Dash loads assets/ in alphabetical order (assets/gridcc/ before assets/vendor/): this file
 * waits until every module and vendored library is there.
 */
(function () {
  "use strict";

  var G = window.gridcc = window.gridcc || {};
  // Read by the browser tests (tests/e2e/test_wall.py).
  var stats = G.stats = {
    applied: 0, duplicates: 0, buffered: 0, catchUps: 0, resyncs: 0, replayed: 0, paints: 0,
    transport: null, mapReadyAt: null, firstEventAt: null, lastSeq: 0, mode: "load", level: "cell",
    paintedSeq: 0, paintLog: []
  };
  var MODULES = ["core", "state", "ticker", "map", "mapcolor", "mapdiff", "mapoverlay", "mapview",
    "counters", "kpis", "status", "alerts", "rates", "when", "peoplelayer"];

  function configNode() { return document.querySelector("[data-config][data-snapshot]"); }

  function ready() {
    return configNode() && window.io && window.maplibregl && MODULES.every(function (m) { return G[m]; });
  }

  // Dash renders the page after the scripts ran: wait for the wall's config to appear (on a
  // page without it, /kpi, this waits without polling and costs nothing).
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
    var cfg = JSON.parse(node.getAttribute("data-config"));
    var ids = cfg.ids, timing = cfg.timing;
    var el = function (id) { return document.getElementById(id); };
    var clockOffset = 0;   // ms the server's clock is ahead of this screen's
    var lastContact = 0;   // Date.now() when the server last answered or sent an event
    var socket = null;
    var state = new G.state.State(cfg);

    // Risk, "today" and the wall clock follow the server's time, not the kiosk PC's.
    function nowMs() { return Date.now() + clockOffset; }

    // A request that hangs must not hold the core's one catch-up or snapshot forever.
    function getJSON(url) {
      var abort = new AbortController();
      var timer = window.setTimeout(function () { abort.abort(); }, timing.requestMs);
      return fetch(url, { cache: "no-store", signal: abort.signal }).then(function (r) {
        if (!r.ok) throw new Error(url + " answered " + r.status);
        lastContact = Date.now();
        return r.json();
      }).finally(function () { window.clearTimeout(timer); });
    }

    var status = new G.status.Status(ids.clock, ids.link, cfg);
    var clock = new G.when.Clock(cfg.timeZone, cfg.labels);
    var cellNames = {};
    cfg.levels.cell.codes.forEach(function (code, i) { cellNames[code] = cfg.levels.cell.names[i]; });
    var words = function (table, code) { return (table[code] || {})[cfg.lang] || code; };
    var badge = function (priority) {
      return priority && priority !== "normal" ? cfg.labels["priority_" + priority] || priority : "";
    };
    var ticker = new G.ticker.Ticker(ids.ticker, function (ev) {
      return {
        time: clock.stamp(ev.at, nowMs()),
        category: words(cfg.categories, ev.category),
        department: words(cfg.departments, ev.department),
        priority: badge(ev.priority)
      };
    }, cfg.labels.empty_ticker);
    var riskLook = cfg.map.modes.risk; // one set of risk words and colours: the map's
    var alerts = new G.alerts.AlertList(
      { list: ids.alerts, more: ids.alertsMore, count: ids.alertCount }, timing.alertRows,
      function (entry) {
        return {
          category: words(cfg.categories, entry.category),
          place: cellNames[entry.cell] || entry.cell,
          department: words(cfg.departments, entry.department),
          priority: badge(entry.priority),
          word: riskLook.words[entry.level],
          color: riskLook.colors[entry.level]
        };
      }, clock, cfg.labels);
    var readAlerts = function () {
      var nowS = nowMs() / 1000;
      return { entries: state.alerting(nowS), nowS: nowS };
    };
    var counters = new G.counters.Counters(ids.counters, function () {
      return { counters: state.counters, risk: state.risk(nowMs() / 1000).count };
    });
    var people = null; // the people on patrol and today's coverage (peoplelayer.js)
    var qxy = null; // 泉心愿's panel and map mode (qxypanel.js)
    var map = new G.map.WallMap(cfg, stats, function (mode) {
      if (people && mode === people.mode) return people.coverage.values(cfg.codes);
      if (qxy && mode === qxy.mode) return qxy.cells.values(cfg.codes);
      if (mode === "risk") {
        var worst = state.risk(nowMs() / 1000).worst;
        return cfg.codes.map(function (code) { return worst[code] || 0; });
      }
      return cfg.codes.map(function (code) { return state.openByCell[code] || 0; });
    });
    var kpis = new G.kpis.KpiStrip(ids.kpis, cfg.district);

    var core = G.core.Sequencer({
      apply: function (ev) {
        if (stats.firstEventAt === null) stats.firstEventAt = performance.now();
        var change = state.apply(ev);
        if (change.row) ticker.show(state.rows, true);
        if (change.cells.length || (change.cases && map.mode === "risk")) map.changed();
        if (change.cases) alerts.queue(readAlerts);
        counters.queue();
        if (change.newDay) core.resync("new day");
      },
      load: function (snap, replay) {
        if (snap.now) clockOffset = snap.now * 1000 - Date.now();
        var next = new G.state.State(cfg);
        next.load(snap);
        replay.forEach(function (ev) { next.apply(ev); });
        state = next;
        ticker.show(state.rows, false);
        ticker.restamp(); // a new day's snapshot: yesterday's rows show their date
        counters.queue();
        alerts.queue(readAlerts);
        map.changed();
      },
      fetchEvents: function (since, ticket) {
        getJSON(cfg.eventsUrl + "?since=" + since).then(
          function (body) { core.eventsPage(ticket, body); },
          function () { core.eventsFailed(ticket); });
      },
      fetchSnapshot: function (ticket) {
        getJSON(cfg.snapshotUrl).then(
          function (snap) { core.snapshotReply(ticket, snap); },
          function () { core.snapshotFailed(ticket); });
      },
      fetchSeq: function (ticket) {
        getJSON(cfg.seqUrl).then(function (body) { core.seqReply(ticket, body); },
          function () { /* the status pill shows it */ });
      },
      later: function (fn, ms) { window.setTimeout(fn, ms); }
    }, { stats: stats, resyncGap: timing.resyncGap, retryMs: timing.retryMs });
    // Read by the browser tests; riskTick: what the clock's passing changes (risk, counters).
    G.wall = { core: core, map: map, state: function () { return state; }, riskTick: riskTick,
      refreshKpis: refreshKpis, refreshCalendar: refreshCalendar };

    function riskTick() {
      counters.queue();
      alerts.queue(readAlerts);
      if (map.mode === "risk") map.changed();
    }

    function refreshKpis() {
      return getJSON(cfg.kpisUrl).then(function (body) { kpis.show(body); }, function () { /* stale pill */ });
    }

    // The strip saying the working calendar runs out: the server decides whether and what.
    function refreshCalendar() {
      return getJSON(cfg.calendarUrl).then(function (body) {
        var strip = el(ids.calendarNotice);
        if (!strip) return;
        strip.textContent = body.notice ? body.notice.text : "";
        strip.setAttribute("data-first-uncovered", body.notice ? body.notice.first_uncovered : "");
        strip.hidden = !body.notice;
      }, function () { /* stale pill */ });
    }

    function tick() {
      map.watchdog();
      status.render(nowMs(), Boolean(socket && socket.connected), lastContact, clockOffset);
      // A new day in the server's time zone: today's counters start from a new snapshot.
      if (state.isNewDay(nowMs())) core.resync("new day");
    }

    function connect() {
      socket = window.gridcc.http.socket(window.io);
      socket.on("connect", function () {
        stats.transport = socket.io.engine.transport.name;
        lastContact = Date.now();
        core.connected();
        tick();
      });
      socket.on("disconnect", tick);
      // The server sends the events published together as one frame, in log order.
      socket.on("case_events", function (batch) {
        lastContact = Date.now();
        (batch || []).forEach(core.receive);
      });
      G.socket = socket;
    }

    core.start(JSON.parse(node.getAttribute("data-snapshot")));
    connect();
    map.bind(el(ids.mode), el(ids.mapTitle));
    setInterval(tick, 1000);
    setInterval(core.heartbeat, timing.heartbeatMs);
    setInterval(riskTick, timing.riskTickMs);
    setInterval(refreshKpis, timing.kpiRefreshMs);
    setInterval(refreshCalendar, timing.calendarRefreshMs);
    tick();
    attachMap(map, el(ids.map));
    people = G.wall.people = G.peoplelayer ? G.peoplelayer.wire(cfg, map, socket, nowMs, function () {
      if (map.mode === people.mode) map.changed();
    }) : null;
    if (people && map.mode === people.mode) map.changed();
    qxy = G.wall.qxy = G.qxypanel ? G.qxypanel.wire(cfg, map, socket, function () {
      if (map.mode === qxy.mode) map.changed();
    }) : null;
  }

  // The kiosk link's mode and level win over what this screen remembers.
  function attachMap(map, container) {
    var query = new URLSearchParams(window.location.search);
    var mode = query.get("map"), level = query.get("level");
    try {
      mode = mode || window.localStorage.getItem("gridcc.mapMode");
      level = level || window.localStorage.getItem("gridcc.mapLevel");
    } catch (e) { /* kiosk without storage */ }
    map.attach(container, mode, level);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
