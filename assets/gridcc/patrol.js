/* gridcc patrol: the phone page of a grid worker on patrol (dashboard/patrol_page.py).
 *
 * The server rendered the frame; this binds it. The phone's position (navigator.geolocation:
 * WGS-84 in every browser) is watched while the page is open; on patrol it is shared every
 * timing.positionMs. A report is put on the phone's shelf first (patrolstore.js) and sent
 * from there by the queue (patrolqueue.js), so one made offline goes when the connection
 * returns, once. Tasks offer the actions the server's workflow lists for each case (never a
 * list of its own) and a check-in with the phone's position.
 */
(function (root) {
  "use strict";

  var doc = root.document;
  var G = root.gridcc = root.gridcc || {};
  var Q = G.patrolqueue;
  var node = doc && doc.getElementById("patrol-config");
  if (!node || !Q || !G.http || !G.patrolview) return; // not the patrol page

  var cfg = JSON.parse(node.textContent);
  var W = cfg.words, T = cfg.timing;
  var http = G.http;
  var opts = { timeoutMs: T.requestMs };
  var $ = function (id) { return doc.getElementById(id); };
  var st = { fix: null, patrol: null, mine: null, items: [], shelf: null, pumping: false,
             sending: null, photos: [], wake: null, asked: 0, online: root.navigator.onLine !== false };

  var V = G.patrolview;
  var h = V.h, clear = V.clear, when = V.when;
  function fmt(key, vars) { return V.fill(W, key, vars); }
  function url(name, vars) { return V.address(cfg.urls[name], vars); }
  function metres(m) { return V.metres(W, m); }
  function errText(err) { return V.errText(cfg.lang, err); }
  function say(el, text, bad) { el.textContent = text || ""; el.className = "pt-msg" + (bad ? " pt-bad" : ""); }

  // -- where the phone is --------------------------------------------------------------------
  function freshFix() {
    return st.fix && Date.now() - st.fix.at <= T.freshFixMs ? st.fix : null;
  }
  function showFix() {
    var f = freshFix();
    $("pt-pos").textContent = f ? f.lat.toFixed(5) + ", " + f.lon.toFixed(5) + " · " +
      fmt("patrol_accuracy", { m: Math.round(f.accuracy) }) : (st.fixError ? W.patrol_no_location : W.patrol_locating);
  }
  function watch() {
    var geo = root.navigator.geolocation;
    if (!geo) { st.fixError = true; showFix(); return; }
    geo.watchPosition(function (p) {
      var first = !st.fix;
      st.fix = { lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy || 0, at: Date.now() };
      st.fixError = false;
      showFix();
      if (first) refresh(); // tasks nearest first, from where the phone is
    }, function () { st.fixError = true; showFix(); },
    { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
  }

  // -- the patrol ----------------------------------------------------------------------------
  function showPatrol() {
    var on = !!st.patrol;
    $("pt-state").textContent = on ? W.patrol_on : W.patrol_off;
    $("pt-patrol").className = "pt-card" + (on ? " pt-on" : "");
    $("pt-since").textContent = on ? " · " + fmt("patrol_since", { t: when(st.patrol.started_at).slice(6) }) +
      " · " + fmt("patrol_cells", { n: (st.patrolCells || []).length }) : "";
    $("pt-toggle").textContent = on ? W.patrol_end : W.patrol_start;
    $("pt-toggle").className = "pt-big" + (on ? " pt-stop" : "");
    $("pt-where").hidden = !on;
    keepAwake(on);
  }
  function sharePosition() {
    var f = freshFix();
    if (!st.patrol || !f || !st.online) return;
    http.post(cfg.urls.position, { lon: f.lon, lat: f.lat, accuracy: f.accuracy, crs: cfg.crs }, opts).then(function (r) {
      $("pt-where").textContent = r.cell_code ? fmt("patrol_where", { cell: r.place || r.cell_code }) : W.patrol_outside;
      if (r.new_cell && st.patrolCells.indexOf(r.cell_code) < 0) { st.patrolCells.push(r.cell_code); showPatrol(); }
    }, function () { /* the next one will say where */ });
  }
  // On patrol the screen is kept on where the phone allows it: a phone's browser stops
  // sharing the position while its screen is off (the lock ends by itself when hidden).
  function keepAwake(on) {
    var wl = root.navigator.wakeLock;
    if (!wl) return;
    if (on && !st.lock && doc.visibilityState === "visible") {
      st.lock = true;
      wl.request("screen").then(function (lock) {
        st.lock = lock;
        lock.addEventListener("release", function () { st.lock = null; });
      }, function () { st.lock = null; });
    } else if (!on && st.lock && st.lock.release) {
      st.lock.release();
      st.lock = null;
    }
  }

  function toggle() {
    var ending = !!st.patrol;
    $("pt-toggle").disabled = true;
    http.post(ending ? cfg.urls.end : cfg.urls.start, {}, opts).then(function (r) {
      st.patrol = ending ? null : r.patrol;
      if (!ending && !st.patrolCells) st.patrolCells = [];
      showPatrol();
      if (!ending) sharePosition();
    }, function (err) { say($("pt-msg"), fmt("patrol_error", { m: errText(err) }), true); })
      .finally(function () { $("pt-toggle").disabled = false; });
  }

  // -- my cases and tasks --------------------------------------------------------------------
  function refresh() {
    if (!st.online) return Promise.resolve();
    var f = freshFix();
    var where = f ? { lon: f.lon.toFixed(6), lat: f.lat.toFixed(6) } : {};
    var asked = ++st.asked; // only the latest answer is shown (an earlier one may come last)
    return http.get(cfg.urls.mine, Object.assign({ lang: cfg.lang }, where), opts).then(function (r) {
      if (asked !== st.asked) return;
      st.mine = r;
      st.patrol = r.patrol;
      st.patrolCells = r.patrol_cells || [];
      showPatrol();
      showMine();
    }, function () {});
  }
  function statusChip(c) {
    return h("span", { className: "pt-chip pt-s-" + c.status, text: cfg.statuses[c.status] || c.status });
  }
  function showMine() {
    var mine = st.mine || { reported: [], tasks: [] };
    $("pt-n-mine").textContent = mine.reported.length ? String(mine.reported.length) : "";
    $("pt-n-tasks").textContent = mine.tasks.length ? String(mine.tasks.length) : "";
    var list = clear($("pt-mine-list"));
    if (!mine.reported.length) list.appendChild(h("li", { className: "pt-empty", text: W.patrol_none_mine }));
    mine.reported.forEach(function (c) {
      list.appendChild(h("li", { className: "pt-item", "data-case": c.id }, [
        h("div", { className: "pt-row" }, [h("b", { text: "#" + c.id + " " + c.category_name }), statusChip(c)]),
        h("div", { className: "pt-sub", text: when(c.created_at) + " · " + c.place }),
        h("div", { className: "pt-text", text: c.description })
      ]));
    });
    var tasks = clear($("pt-task-list"));
    if (!mine.tasks.length) tasks.appendChild(h("li", { className: "pt-empty", text: W.patrol_none_tasks }));
    mine.tasks.forEach(function (c) { tasks.appendChild(taskCard(c)); });
  }
  function taskCard(c) {
    var msg = h("p", { className: "pt-msg", role: "status" });
    var form = h("div", { className: "pt-act-form", hidden: "hidden" });
    var buttons = c.actions.map(function (a) {
      return h("button", { type: "button", className: "pt-act", "data-action": a.name, text: a.label,
        onclick: function () { ask(c, a, form, msg); } });
    });
    var checkIn = h("button", { type: "button", className: "pt-act pt-here", text: W.patrol_check_in,
      onclick: function () { checkInAt(c, msg); } });
    var photo = h("input", { type: "file", accept: "image/*", capture: "environment",
      onchange: function (e) { attach(c, e.target, msg); } });
    return h("li", { className: "pt-item" + (c.urgent ? " pt-urgent" : ""), "data-case": c.id }, [
      h("div", { className: "pt-row" }, [
        h("b", { text: "#" + c.id + " " + c.category_name }),
        h("span", { className: "pt-chip pt-task", text: W["patrol_task_" + c.task] || c.task }),
        c.urgent ? h("span", { className: "pt-chip pt-red", text: W.patrol_urgent }) : null
      ]),
      h("div", { className: "pt-sub", text: (c.distance_m !== null ? metres(c.distance_m) + " · " : "") + c.place }),
      h("div", { className: "pt-text", text: c.description }),
      h("div", { className: "pt-acts" }, [checkIn].concat(buttons).concat([
        h("label", { className: "pt-act pt-file", text: W.patrol_attach }, [photo])])),
      form, msg
    ]);
  }
  function ask(c, a, form, msg) {
    var wants = a.needs_reason || a.takes_note;
    if (!wants) return act(c, a, "", msg);
    clear(form).removeAttribute("hidden");
    var text = h("textarea", { rows: "2", placeholder: a.needs_reason ? W.patrol_reason : W.patrol_note });
    form.appendChild(text);
    form.appendChild(h("div", { className: "pt-acts" }, [
      h("button", { type: "button", className: "pt-act pt-go", text: fmt("patrol_confirm_action", { action: a.label }),
        onclick: function () { act(c, a, text.value, msg); } }),
      h("button", { type: "button", className: "pt-act", text: W.patrol_cancel,
        onclick: function () { form.setAttribute("hidden", "hidden"); } })
    ]));
  }
  function act(c, a, reason, msg) {
    http.post(url("action", { id: c.id, name: a.name }), { expected_version: c.version, reason: reason }, opts)
      .then(function () { say(msg, fmt("patrol_done", { action: a.label })); return refresh(); },
        function (err) { say(msg, errText(err), true); });
  }
  function checkInAt(c, msg) {
    var f = freshFix();
    if (!f) return say(msg, W.patrol_need_position, true);
    http.post(cfg.urls.checkIn, { case_id: c.id, lon: f.lon, lat: f.lat, accuracy: f.accuracy, crs: cfg.crs }, opts)
      .then(function (r) {
        var m = Math.round(r.distance_m);
        say(msg, r.on_site ? fmt("patrol_checked_in", { m: m }) : fmt("patrol_too_far", { m: m, r: cfg.checkInRadiusM }), !r.on_site);
        c.version = r.version || c.version;
      }, function (err) { say(msg, errText(err), true); });
  }
  function attach(c, input, msg) {
    var file = input.files && input.files[0];
    if (!file) return;
    shrink(file).then(function (blob) {
      var form = new root.FormData();
      form.append("photo", blob, "photo.jpg");
      return http.upload(url("photos", { id: c.id }), form, opts);
    }).then(function () { say(msg, W.patrol_attached); }, function (err) { say(msg, errText(err), true); });
  }

  // -- photos: made smaller on the phone before they travel ----------------------------------
  function shrink(file) { return V.shrink(file, cfg.photo.maxSide, cfg.photo.quality); }
  function pickPhotos(e) {
    var files = Array.prototype.slice.call(e.target.files || [], 0, cfg.photo.maxCount - st.photos.length);
    Promise.all(files.map(shrink)).then(function (blobs) {
      st.photos = st.photos.concat(blobs).slice(0, cfg.photo.maxCount);
      var thumbs = clear($("pt-thumbs"));
      st.photos.forEach(function (b) {
        thumbs.appendChild(h("img", { src: root.URL.createObjectURL(b), alt: "", className: "pt-thumb" }));
      });
      e.target.value = "";
    });
  }

  // -- reports: kept on the phone, sent from there --------------------------------------------
  function newId() {
    var bytes = new Uint8Array(16);
    root.crypto.getRandomValues(bytes);
    return Q.uuid4(bytes);
  }
  function submit(e) {
    e.preventDefault();
    var f = freshFix();
    var fields = { category: $("pt-category").value, description: $("pt-text").value.trim(),
                   lon: f ? f.lon : null, lat: f ? f.lat : null, photos: st.photos };
    var missing = Q.problems(fields);
    if (missing.length) return say($("pt-msg"), W[missing[0]], true);
    var item = Q.newReport(fields, newId(), Date.now(), cfg.source, cfg.crs, cfg.me.name);
    st.shelf.put(item).then(function () {
      st.items.push(item);
      $("pt-form").reset();
      st.photos = [];
      clear($("pt-thumbs"));
      say($("pt-msg"), st.online ? W.patrol_sent_now : W.patrol_queued);
      showQueue();
      pump();
    });
  }
  function store(item) {
    st.items = st.items.map(function (it) { return it.id === item.id ? item : it; });
    return st.shelf.put(item);
  }
  function sendStep(item) {
    var step = Q.nextStep(item);
    var now = Date.now;
    if (!step) return Promise.resolve(item);
    if (step.kind === "report") {
      return http.post(cfg.urls.report, item.body, opts).then(
        function (r) { return Q.afterReport(item, r && r.duplicate ? 200 : 201, r, now(), T); },
        function (err) { return Q.afterReport(item, err.status, err, now(), T); });
    }
    var form = new root.FormData();
    form.append("photo", item.photos[step.index], "photo-" + (step.index + 1) + ".jpg");
    return http.upload(url("photos", { id: item.caseId }), form, opts).then(
      function (r) { return Q.afterPhoto(item, 201, r, now(), T); },
      function (err) { return Q.afterPhoto(item, err.status, err, now(), T); });
  }
  function pump() {
    if (st.pumping || !st.shelf) return;
    st.pumping = true;
    function next() {
      var todo = st.online ? Q.due(st.items, Date.now()) : [];
      if (!todo.length) return Promise.resolve();
      var item = todo[0];
      st.sending = item.id;
      showQueue();
      return sendStep(item).then(function (after) {
        return store(after).then(function () {
          st.sending = null;
          if (after.state === "sent") refresh();
          return after.tries > 0 ? null : next(); // a failed send: wait before the rest
        });
      });
    }
    next().then(function () {
      st.pumping = false;
      st.sending = null;
      showQueue();
      schedule();
    }, function () { st.pumping = false; st.sending = null; schedule(); });
  }
  function schedule() {
    if (st.wake) root.clearTimeout(st.wake);
    var at = Q.nextWake(st.items);
    if (at === null) return;
    st.wake = root.setTimeout(pump, Math.max(500, Math.min(T.pumpMs, at - Date.now())));
  }
  function showNet() {
    var waiting = st.items.filter(function (it) { return it.state === "queued" || it.state === "photos"; }).length;
    $("pt-net").textContent = (st.online ? W.patrol_online : W.patrol_offline) +
      (waiting ? " · " + fmt("patrol_waiting", { n: waiting }) : "");
    $("pt-net").className = "pt-net" + (st.online ? "" : " pt-off");
  }
  function showQueue() {
    showNet();
    var items = Q.shown(st.items, Date.now(), T.keepSentMs);
    $("pt-queue").hidden = !items.length;
    var list = clear($("pt-queue-list"));
    items.forEach(function (it) {
      var state = it.id === st.sending ? "sending" : it.state;
      var bits = [cfg.categories[it.body.category] || it.body.category];
      if (it.caseId) bits.push(fmt("patrol_case_no", { id: it.caseId }));
      if (it.photos.length) bits.push(fmt("patrol_photo_count", { n: it.photos.length }));
      var signedOut = it.state !== "refused" && it.error && (it.error.status === 401 || it.error.status === 403);
      var detail = it.state === "refused" && it.error ? h("div", { className: "pt-sub", text: it.error.message }) :
        signedOut ? h("a", { className: "pt-sub", href: "/login?next=/patrol", text: W.patrol_login_again }) : null;
      list.appendChild(h("li", { className: "pt-q pt-q-" + state, "data-report": it.id, "data-state": state }, [
        h("span", { className: "pt-chip", text: W["patrol_state_" + state] || state }),
        h("span", { text: bits.join(" · ") }),
        detail
      ]));
    });
  }

  // -- the connection -----------------------------------------------------------------------
  function setOnline(on) {
    st.online = on;
    showNet();
    if (on) {
      // Back online: what waited for the connection goes now, not after its backoff.
      st.items = st.items.map(function (it) { return it.state === "queued" || it.state === "photos" ? Object.assign({}, it, { nextAt: Date.now() }) : it; });
      pump();
      refresh();
    }
  }

  function tabs() {
    Array.prototype.forEach.call(doc.querySelectorAll(".pt-tabs button"), function (b) {
      b.addEventListener("click", function () {
        Array.prototype.forEach.call(doc.querySelectorAll(".pt-tabs button"), function (o) {
          o.setAttribute("aria-selected", o === b ? "true" : "false");
          $("pt-" + o.dataset.tab).hidden = o !== b;
        });
      });
    });
  }

  // The page kept on the phone, to be opened with no connection (patrolsw.js); signing
  // out forgets it (and what the phone kept of the page with this person's name).
  function keepPage() {
    var sw = root.navigator.serviceWorker;
    if (!sw || !cfg.urls.serviceWorker) return;
    sw.register(cfg.urls.serviceWorker, { scope: "/patrol" }).catch(function () {});
    sw.ready.then(function (reg) {
      var files = [root.location.href];
      Array.prototype.forEach.call(doc.querySelectorAll("script[src], link[rel=stylesheet]"), function (el) {
        files.push(el.src || el.href);
      });
      if (reg.active) reg.active.postMessage({ keep: files });
    });
    var out = doc.querySelector(".pt-foot form");
    if (out) out.addEventListener("submit", function () {
      if (sw.controller) sw.controller.postMessage({ forget: true });
    });
  }

  function start() {
    tabs();
    keepPage();
    $("pt-toggle").addEventListener("click", toggle);
    $("pt-form").addEventListener("submit", submit);
    $("pt-photo").addEventListener("change", pickPhotos);
    root.addEventListener("online", function () { setOnline(true); });
    root.addEventListener("offline", function () { setOnline(false); });
    doc.addEventListener("visibilitychange", function () {
      if (doc.visibilityState !== "visible") return;
      keepAwake(!!st.patrol); // back on screen: where one is now, and what changed meanwhile
      sharePosition();
      refresh();
    });
    setOnline(st.online);
    watch();
    showFix();
    root.setInterval(showFix, 5000);
    root.setInterval(sharePosition, T.positionMs);
    root.setInterval(refresh, T.refreshMs);
    G.patrolstore.open().then(function (shelf) {
      st.shelf = shelf;
      return shelf.all();
    }).then(function (items) {
      var now = Date.now();
      // What arrived long ago leaves the shelf (its photos with it).
      items.filter(function (it) { return it.state === "sent" && now - (it.sentAt || 0) > T.keepSentMs; })
        .forEach(function (it) { st.shelf.remove(it.id); });
      st.items = items.filter(function (it) {
        return it.owner === cfg.me.name && !(it.state === "sent" && now - (it.sentAt || 0) > T.keepSentMs);
      });
      showQueue();
      pump();
    });
    refresh();
  }

  G.patrol = { state: st, pump: pump, refresh: refresh };
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof window !== "undefined" ? window : this);
