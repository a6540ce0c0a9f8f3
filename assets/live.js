/* gridcc live wall: applies every case event exactly once, in sequence order.
 *
 * Why in plain JS and not Dash callbacks: events delivered as the latest value of a Dash
 * prop, or through one server callback per event, were measured to drop events on this
 * kind of machine (shared/notes/live-map-measurements.md). Here each socket event is
 * handled as it arrives; the map is recoloured in batches with one paint in flight.
 */
(function () {
  "use strict";

  var IDS = {
    map: "live-map", ticker: "ticker", config: "live-config",
    open: "counter-open", today: "counter-today", closed: "counter-closed-today",
    atRisk: "counter-at-risk", overdue: "counter-overdue", kpis: "kpi-strip", mode: "map-mode",
    clock: "wall-clock", link: "link-status"
  };
  var RISK_TICK_MS = 30000;
  var KPI_REFRESH_MS = 60000;
  var TICKER_ROWS = 60;
  var HEARTBEAT_MS = 10000;
  var STALE_MS = 30000;
  var RESYNC_GAP = 20000; // more missing events than this: reload the snapshot instead
  var CLOSED = { closed: true, "void": true };
  var RISK_NAMES = ["none", "ok", "watch", "at_risk", "overdue"];

  var stats = {
    applied: 0, duplicates: 0, buffered: 0, catchUps: 0, resyncs: 0, paints: 0,
    transport: null, mapReadyAt: null, firstEventAt: null, lastSeq: 0, mode: "load"
  };
  window.gridcc = { stats: stats };

  var cfg, labels, gd;
  var lastSeq = 0;
  var pending = {};          // seq -> event, waiting for the events before it
  var openByCell = {};
  var openCases = {};        // case id -> [cell, watch_at, at_risk_at, deadline] (epoch s)
  var mode = "load";
  var level = "cell";        // cell / community / street: what the map's shapes are
  var counters = { open: 0, today: 0, closed_today: 0 };
  var dayStart = null;       // Date of local midnight the counters count from
  var fetching = false, refetch = false;
  var painting = false, mapDirty = false;
  var lastContact = 0;       // ms: last time the server answered or an event arrived
  var socket = null;
  var clockOffset = 0;       // ms the server's clock is ahead of this screen's
  var resyncing = false;
  var countersQueued = false;
  var lookDirty = true;      // mode or level changed: the next paint restyles the whole look
  var paintStarted = 0;
  var PAINT_WATCHDOG_MS = 10000;

  // Risk, "today" and the wall clock follow the server's time, not the kiosk PC's.
  function nowMs() { return Date.now() + clockOffset; }

  function el(id) { return document.getElementById(id); }

  // ---- time (Asia/Shanghai) -------------------------------------------------------------
  var timeFmt = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false
  });
  var dateFmt = null; // made in start(), in the page's language
  function makeDateFmt(lang) {
    return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", weekday: "short"
    });
  }
  function localTime(iso) { return timeFmt.format(new Date(iso)); }
  function localDay(d) { return dateFmt.format(d); }

  // ---- state from a snapshot ------------------------------------------------------------
  function loadSnapshot(snap) {
    if (snap.now) clockOffset = snap.now * 1000 - Date.now();
    lastSeq = snap.seq;
    stats.lastSeq = lastSeq;
    pending = {};
    openByCell = Object.assign({}, snap.open_by_cell);
    openCases = {};
    snap.open_cases.forEach(function (row) { openCases[row[0]] = row.slice(1); });
    counters = Object.assign({}, snap.counters);
    dayStart = new Date(snap.day_start);
    var list = el(IDS.ticker);
    list.textContent = "";
    snap.recent.forEach(function (ev) { addTickerRow(ev, false); });
    showEmptyTicker();
    renderCounters();
    mapDirty = true;
    paint();
  }

  function resync() {
    if (resyncing) return Promise.resolve();
    resyncing = true;
    stats.resyncs += 1;
    return getJSON(cfg.snapshotUrl).then(function (snap) {
      resyncing = false;
      loadSnapshot(snap);
      return catchUp();
    }, function () { resyncing = false; });
  }

  // ---- events ---------------------------------------------------------------------------
  function receive(ev) {
    lastContact = Date.now();
    if (ev.seq <= lastSeq || pending[ev.seq]) { stats.duplicates += 1; return; }
    if (ev.seq !== lastSeq + 1) {
      pending[ev.seq] = ev;
      stats.buffered += 1;
      catchUp();
      return;
    }
    apply(ev);
    drain();
  }

  function drain() {
    while (pending[lastSeq + 1]) {
      var next = pending[lastSeq + 1];
      delete pending[lastSeq + 1];
      apply(next);
    }
  }

  function apply(ev) {
    lastSeq = ev.seq;
    stats.lastSeq = lastSeq;
    stats.applied += 1;
    if (stats.firstEventAt === null) stats.firstEventAt = performance.now();
    var wasOpen = ev.from === null || !CLOSED[ev.from];
    var isOpen = !CLOSED[ev.to];
    var delta = ev.kind === "case.reported" ? 1 : (wasOpen && !isOpen ? -1 : (!wasOpen && isOpen ? 1 : 0));
    if (delta !== 0) {
      openByCell[ev.cell] = Math.max(0, (openByCell[ev.cell] || 0) + delta);
      counters.open = Math.max(0, counters.open + delta);
      mapDirty = true;
    }
    // Each event carries when its case turns watch / at-risk / overdue (an extension moves it).
    if (isOpen) openCases[ev.case_id] = [ev.cell].concat(ev.risk_at);
    else delete openCases[ev.case_id];
    if (mode === "risk") mapDirty = true;
    var at = new Date(ev.at);
    if (ev.kind === "case.reported" && at >= dayStart) counters.today += 1;
    if (ev.to === "closed" && ev.from !== "closed" && at >= dayStart) counters.closed_today += 1;
    if (ev.kind === "case.reported") addTickerRow(ev, true);
    queueCounters();
    schedulePaint();
  }

  // Counters are drawn once per frame, however many events a catch-up applies.
  function queueCounters() {
    if (countersQueued) return;
    countersQueued = true;
    window.requestAnimationFrame(function () { countersQueued = false; renderCounters(); });
  }

  // Ask the server for everything after lastSeq; one request at a time, repeated while
  // there is more or while new gaps appeared meanwhile.
  function catchUp() {
    if (fetching) { refetch = true; return Promise.resolve(); }
    fetching = true;
    refetch = false;
    stats.catchUps += 1;
    var since = lastSeq;
    return getJSON(cfg.eventsUrl + "?since=" + since).then(function (body) {
      body.events.forEach(receive);
      if (body.through < since) { fetching = false; return resync(); }
      // The server has shown us everything up to `through` that this screen may see:
      // apply what is buffered up to there, in order, and move past what was filtered out.
      if (body.through > lastSeq) {
        Object.keys(pending).map(Number).filter(function (seq) { return seq <= body.through; })
          .sort(function (a, b) { return a - b; })
          .forEach(function (seq) { var ev = pending[seq]; delete pending[seq]; apply(ev); });
        lastSeq = Math.max(lastSeq, body.through);
        stats.lastSeq = lastSeq;
        drain();
      }
      fetching = false;
      if (body.more || refetch) return catchUp();
    }, function () {
      fetching = false;
      setTimeout(catchUp, 2000);
    });
  }

  function getJSON(url) {
    return fetch(url, { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error(url + " answered " + r.status);
      lastContact = Date.now();
      return r.json();
    });
  }

  // ---- map: one paint in flight, changes merged meanwhile --------------------------------
  function schedulePaint() {
    if (!painting) window.requestAnimationFrame(paint);
  }

  // 1 ok, 2 watch, 3 at risk, 4 overdue (0 is kept for "no open case" on the map)
  function riskLevel(c, nowS) {
    if (nowS >= c[3]) return 4;
    if (nowS >= c[2]) return 3;
    if (nowS >= c[1]) return 2;
    return 1;
  }

  function riskByCell() {
    var nowS = nowMs() / 1000, worst = {}, atRisk = 0, overdue = 0;
    Object.keys(openCases).forEach(function (id) {
      var c = openCases[id], level = riskLevel(c, nowS);
      if (level === 3) atRisk += 1;
      if (level === 4) overdue += 1;
      if (!worst[c[0]] || level > worst[c[0]]) worst[c[0]] = level;
    });
    return { worst: worst, atRisk: atRisk, overdue: overdue };
  }

  function cellValues() {
    if (mode === "risk") {
      var worst = riskByCell().worst;
      return cfg.codes.map(function (code) { return worst[code] || 0; });
    }
    return cfg.codes.map(function (code) { return openByCell[code] || 0; });
  }

  // Values per shape of the current level: open cases add up, risk takes the worst.
  function mapValues() {
    var perCell = cellValues(), L = cfg.levels[level];
    if (!L.ofCell) return perCell;
    var out = L.codes.map(function () { return 0; });
    perCell.forEach(function (v, i) {
      var j = L.ofCell[i];
      out[j] = mode === "risk" ? Math.max(out[j], v) : out[j] + v;
    });
    return out;
  }

  // The load scale keeps "no open case" dark however high the maximum goes.
  function loadScale(zmax) {
    var base = cfg.modes.load.colorscale, cut = 0.5 / zmax;
    return [base[0], [cut, base[1][1]], [cut + 1e-4, base[2][1]]].concat(base.slice(3));
  }

  function scaleMax(z) {
    if (mode === "risk") return cfg.modes.risk.zmax;
    return Math.max(cfg.modes.load.zmax, Math.max.apply(null, z));
  }

  function remember(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* kiosk without storage */ }
  }

  function markButtons() {
    Array.prototype.forEach.call(el(IDS.mode).querySelectorAll("button"), function (b) {
      var on = b.getAttribute("data-mode") === mode || b.getAttribute("data-level") === level;
      b.classList.toggle("active", on);
    });
  }

  // Mode and level only change state; paint() applies them, so the map is never restyled
  // twice at once and a click before the map exists still takes effect when it does.
  function setLevel(next, store) {
    if (!cfg.levels[next]) return;
    if (next !== level) { level = next; lookDirty = true; }
    stats.level = level;
    if (store) remember("gridcc.mapLevel", level);
    markButtons();
    schedulePaint();
  }

  function setMode(next, store) {
    if (!cfg.modes[next]) return;
    if (next !== mode) { mode = next; lookDirty = true; }
    stats.mode = mode;
    if (store) remember("gridcc.mapMode", mode);
    markButtons();
    schedulePaint();
  }

  function afterPaint() {
    painting = false;
    stats.paints += 1;
    if (mapDirty || lookDirty) schedulePaint();
  }

  function hover() {
    var head = "%{customdata}<br>%{location}<br>";
    return head + (mode === "risk" ? labels.legend_risk + " %{text}" : labels.hover_open + " %{z}")
      + "<extra></extra>";
  }

  function paint() {
    if (!gd || painting || !window.Plotly || !(mapDirty || lookDirty)) return;
    var z = mapValues(), L = cfg.levels[level], look = cfg.modes[mode];
    var update = { z: [z] };
    if (mode === "risk") {
      update.text = [z.map(function (v) { return labels["risk_" + RISK_NAMES[v]]; })];
    } else if (level !== "cell" || lookDirty) {
      update.zmax = scaleMax(z);
      update.colorscale = [loadScale(update.zmax)];
    }
    if (lookDirty) {
      update.geojson = [L.url];
      update.locations = [L.codes];
      update.customdata = [L.names];
      update.zmin = look.zmin;
      update.zmax = scaleMax(z);
      update.colorbar = look.colorbar;
      update.hovertemplate = hover();
      if (mode === "risk") update.colorscale = [look.colorscale];
    }
    painting = true;
    paintStarted = Date.now();
    mapDirty = false;
    lookDirty = false;
    try {
      window.Plotly.restyle(gd, update, [0]).then(afterPaint, afterPaint);
    } catch (err) {
      painting = false;
      mapDirty = true;
      lookDirty = lookDirty || "geojson" in update;
      window.setTimeout(schedulePaint, 1000);
    }
  }

  // A paint that never settles (a geometry download that hangs) must not freeze the map.
  function paintWatchdog() {
    if (painting && Date.now() - paintStarted > PAINT_WATCHDOG_MS) {
      painting = false;
      mapDirty = true;
      lookDirty = true;
      schedulePaint();
    }
  }

  // ---- DOM ------------------------------------------------------------------------------
  function text(tag, cls, value) {
    var node = document.createElement(tag);
    node.className = cls;
    node.textContent = value; // never innerHTML: reports carry user text
    return node;
  }

  function addTickerRow(ev, fresh) {
    var list = el(IDS.ticker);
    var cat = cfg.categories[ev.category] || {};
    var lang = cfg.lang;
    var row = document.createElement("li");
    row.className = "ticker-row" + (fresh ? " fresh" : "");
    row.setAttribute("data-seq", ev.seq);
    row.setAttribute("data-case", ev.case_id);
    row.setAttribute("data-cell", ev.cell);
    var head = document.createElement("div");
    head.className = "ticker-head";
    head.appendChild(text("span", "ticker-time", localTime(ev.at)));
    head.appendChild(text("span", "ticker-cat", cat[lang] || ev.category));
    head.appendChild(text("span", "ticker-dept", cat["department_" + lang] || ev.department));
    row.appendChild(head);
    row.appendChild(text("div", "ticker-place", ev.place));
    row.appendChild(text("div", "ticker-desc", ev.description));
    var empty = list.querySelector(".ticker-empty");
    if (empty) empty.remove();
    list.insertBefore(row, list.firstChild);
    while (list.children.length > TICKER_ROWS) list.removeChild(list.lastChild);
    if (fresh) setTimeout(function () { row.classList.remove("fresh"); }, 4000);
  }

  function showEmptyTicker() {
    var list = el(IDS.ticker);
    if (!list.firstChild) list.appendChild(text("li", "ticker-empty", labels.empty_ticker));
  }

  function renderCounters() {
    el(IDS.open).textContent = counters.open;
    el(IDS.today).textContent = counters.today;
    el(IDS.closed).textContent = counters.closed_today;
    var risk = riskByCell();
    el(IDS.atRisk).textContent = risk.atRisk;
    el(IDS.overdue).textContent = risk.overdue;
  }

  // The wall's KPI strip: the district's last 30 days, from the server every minute.
  function refreshKpis() {
    getJSON(cfg.kpisUrl).then(function (body) {
      var values = body.kpis["370102"] || {};
      Array.prototype.forEach.call(el(IDS.kpis).querySelectorAll("[data-kpi]"), function (node) {
        var v = values[node.getAttribute("data-kpi")];
        if (!v) return;
        var target = Number(node.getAttribute("data-target"));
        node.querySelector(".kpi-value").textContent =
          v.value === null ? "—" : (v.value * 100).toFixed(1) + "%";
        var tgt = node.querySelector(".kpi-target");
        tgt.textContent = tgt.textContent.replace(/\d+\/\d+$/, v.n + "/" + (v.d || 0));
        node.classList.toggle("meets", v.value !== null && v.value >= target);
        node.classList.toggle("misses", v.value !== null && v.value < target);
      });
    }, function () { /* the stale banner says it */ });
  }

  function renderStatus() {
    paintWatchdog();
    var now = new Date(nowMs());
    el(IDS.clock).textContent = localDay(now) + " " + timeFmt.format(now);
    var link = el(IDS.link);
    var connected = socket && socket.connected;
    var quiet = Date.now() - lastContact;
    if (connected && quiet < STALE_MS) {
      link.textContent = labels.live;
      link.className = "link-status live";
    } else if (lastContact === 0) {
      link.textContent = labels.connecting;
      link.className = "link-status connecting";
    } else {
      link.textContent = labels.stale + " · " + labels.since + " " + timeFmt.format(new Date(lastContact + clockOffset));
      link.className = "link-status stale";
    }
    // A new day in Shanghai: today's counters start again from the server's numbers.
    if (dayStart && now - dayStart >= 24 * 3600 * 1000) resync();
  }

  // ---- heartbeat: catches events lost while Redis or the socket was down -----------------
  function heartbeat() {
    getJSON(cfg.seqUrl).then(function (body) {
      // Behind us: the store was replaced (restored, reset); start again from its snapshot.
      if (body.seq < lastSeq || body.seq - lastSeq > RESYNC_GAP) resync();
      else if (body.seq > lastSeq) catchUp();
    }, function () { /* stale banner shows it */ });
  }

  // ---- start ----------------------------------------------------------------------------
  function connect() {
    socket = window.io({ transports: ["websocket"], reconnectionDelayMax: 5000 });
    socket.on("connect", function () {
      stats.transport = socket.io.engine.transport.name;
      lastContact = Date.now();
      catchUp();
      renderStatus();
    });
    socket.on("disconnect", renderStatus);
    // Refused by the server (e.g. a session that expired): the client will not retry by
    // itself; try again, while the heartbeat keeps the data current meanwhile.
    socket.on("connect_error", function () {
      if (!socket.active) window.setTimeout(function () { socket.connect(); }, 5000);
    });
    socket.on("case_event", receive);
    window.gridcc.socket = socket;
  }

  function findGraph() {
    var holder = el(IDS.map);
    var plot = holder && holder.querySelector(".js-plotly-plot");
    return plot && plot._fullLayout && plot._fullLayout.map ? plot : null;
  }

  function start() {
    var node = el(IDS.config);
    if (!node || !window.io) { setTimeout(start, 50); return; }
    cfg = JSON.parse(node.getAttribute("data-config"));
    labels = cfg.labels;
    dateFmt = makeDateFmt(cfg.lang);
    loadSnapshot(JSON.parse(node.getAttribute("data-snapshot")));
    connect();
    setInterval(renderStatus, 1000);
    setInterval(heartbeat, HEARTBEAT_MS);
    setInterval(function () { renderCounters(); if (mode === "risk") { mapDirty = true; schedulePaint(); } }, RISK_TICK_MS);
    setInterval(refreshKpis, KPI_REFRESH_MS);
    Array.prototype.forEach.call(el(IDS.mode).querySelectorAll("button"), function (b) {
      b.addEventListener("click", function () {
        if (b.hasAttribute("data-mode")) setMode(b.getAttribute("data-mode"), true);
        else setLevel(b.getAttribute("data-level"), true);
      });
    });
    renderStatus();
    (function waitForMap() {
      gd = findGraph();
      if (!gd) { setTimeout(waitForMap, 50); return; }
      var ready = function () {
        if (stats.mapReadyAt === null) stats.mapReadyAt = performance.now();
      };
      if (gd._fullData && gd._fullData.length) ready();
      gd.on("plotly_afterplot", ready);
      var query = new URLSearchParams(window.location.search);
      var wanted = query.get("map"), wantedLevel = query.get("level");
      try {
        wanted = wanted || window.localStorage.getItem("gridcc.mapMode");
        wantedLevel = wantedLevel || window.localStorage.getItem("gridcc.mapLevel");
      } catch (e) { /* kiosk without storage */ }
      // The server drew the load view of cells; anything else is restyled by the first paint.
      lookDirty = false;
      setMode(wanted || "load", false);
      setLevel(wantedLevel || "cell", false);
      mapDirty = true;
      paint();
    })();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
