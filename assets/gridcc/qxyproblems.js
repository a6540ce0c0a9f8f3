/* gridcc qxy problems: 微治理 on 泉心愿's pages.
 *
 * On /qxy (the public's phone): the upload form (category, text, photos shrunk on the phone,
 * the position from navigator.geolocation) sent with a report id made on the phone (a resend
 * after a lost answer is the same problem), and "my problems" with their state and, once
 * made a case, the case's state (re-read every config.refreshMs).
 * On /community (the community's desk): the problems of its cells by state, live (each
 * platform event about a problem re-reads the list), with the steps the state allows:
 * accept, solved (with a note), reject (with a reason), make a case (a catalog category).
 *
 * Text from the server is only ever textContent (gridcc.dom.h). The pure parts below are
 * tested with node (tests/js/qxyproblems.test.js).
 */
(function (root, factory) {
  var api = factory(root);
  if (typeof module === "object" && module.exports) module.exports = api;
  else api.install(root);
})(typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  var STATE_CLASS = {
    "new": "qx-s-open", handling: "qx-s-going", to_case: "qx-s-going",
    solved: "qx-s-done", rejected: "qx-s-gone"
  };
  var ACTION_WORD = { accept: "problem_accept", solve: "problem_solve", reject: "problem_reject", "to-case": "problem_to_case" };

  // A report id made on the phone: unique enough, and only of A-Z a-z 0-9 . _ : -
  function reportId(nowMs, random) {
    var r = Math.floor((random === undefined ? Math.random() : random) * 0x7fffffff);
    return "p-" + Number(nowMs).toString(36) + "-" + r.toString(36);
  }

  // The steps a state allows, from the page's config (the domain's rule, never a copy).
  function actionsFor(table, state) { return ((table || {})[state] || []).slice(); }

  function stateClass(state) { return "qx-state " + (STATE_CLASS[state] || ""); }

  // {state: n} over the states named, for the desk's chips.
  function countByState(problems, states) {
    var out = {};
    (states || []).forEach(function (s) { out[s] = 0; });
    (problems || []).forEach(function (p) { if (p.state in out) out[p.state] += 1; });
    return out;
  }

  // "案件 #12 · 已派遣" (or "" when the problem is no case).
  function caseLine(problem, t, statuses) {
    if (!problem || problem.case_id === null || problem.case_id === undefined) return "";
    var status = problem.case_status;
    var label = status ? ((statuses || {})[status] || status) : "";
    return label ? t("problem_case_state", { id: problem.case_id, state: label }) : t("problem_case", { id: problem.case_id });
  }

  // The community's answer as the resident reads it.
  function noteLine(problem, t) {
    if (!problem.note) return "";
    return t(problem.state === "rejected" ? "problem_reason" : "problem_note", { note: problem.note });
  }

  // An ISO instant as local time (Asia/Shanghai) "11-30 10:20".
  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    var local = new Date(d.getTime() + 8 * 3600 * 1000);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(local.getUTCMonth() + 1) + "-" + two(local.getUTCDate()) + " " + two(local.getUTCHours()) + ":" + two(local.getUTCMinutes());
  }

  // The size a photo is sent at: its longest side at most maxSide, never enlarged.
  // What the upload sends, or the words key of what is missing.
  function uploadBody(draft, crs) {
    if (!draft.category) return { missing: "problem_need_category" };
    if (!String(draft.text || "").trim()) return { missing: "problem_need_text" };
    if (!draft.position) return { missing: "problem_need_position" };
    return {
      body: {
        category: draft.category, text: draft.text, lon: draft.position.lon, lat: draft.position.lat,
        crs: crs || "wgs84", report_id: draft.reportId, photos: draft.photos.slice()
      }
    };
  }

  // -- the browser ----------------------------------------------------------------------
  function errText(ctx, e) { return ctx.t("problem_failed", { message: (e && (e.message || e.error)) || "?" }); }

  function thumbs(ctx, photos) {
    var h = ctx.dom.h;
    if (!photos || !photos.length) return null;
    return h("div", { className: "qx-thumbs" }, photos.map(function (p) {
      return h("a", { href: p.url, target: "_blank", rel: "noopener" }, [h("img", { src: p.url, alt: ctx.t("qxy_photos"), loading: "lazy" })]);
    }));
  }

  function item(ctx, p, extra) {
    var h = ctx.dom.h, cfg = ctx.config;
    var head = h("div", { className: "qx-item-head" }, [
      h("strong", { text: "#" + p.id + " " + (cfg.categories[p.category] || p.category) }),
      h("span", { className: stateClass(p.state), dataset: { state: p.state }, text: ctx.t("problem_state_" + p.state) })
    ]);
    var line = caseLine(p, ctx.t, cfg.caseStatuses);
    var note = noteLine(p, ctx.t);
    return h("li", { className: "qx-item qp-item", dataset: { id: p.id, state: p.state } }, [
      head,
      h("p", { className: "qp-text", text: p.text }),
      thumbs(ctx, p.photos),
      extra && extra.meta,
      note ? h("p", { className: "qp-note", text: note }) : null,
      line ? h("p", { className: "qp-case", dataset: { caseStatus: p.case_status || "" } }, [
        h("span", { className: "qp-case-id", text: line })
      ]) : null,
      extra && extra.actions
    ]);
  }

  // -- the public's phone ----------------------------------------------------------------
  function startPublic(pane, ctx) {
    var doc = root.document, cfg = ctx.config;
    var form = doc.getElementById("qp-form");
    var msg = doc.getElementById("qp-msg");
    var pos = doc.getElementById("qp-position");
    var thumbsNode = doc.getElementById("qp-thumbs");
    var mine = doc.getElementById("qp-mine");
    var draft = { photos: [], position: null, reportId: reportId(Date.now()) };
    function say(text, good) { msg.textContent = text; msg.className = "qx-msg " + (good ? "qx-good" : "qx-bad"); }
    function locate() {
      var geo = root.navigator.geolocation;
      if (!geo) { pos.textContent = ctx.t("problem_position_failed", { message: "—" }); return; }
      pos.textContent = ctx.t("problem_locating");
      geo.getCurrentPosition(function (p) {
        draft.position = { lon: p.coords.longitude, lat: p.coords.latitude };
        pos.textContent = ctx.t("problem_position", { m: Math.round(p.coords.accuracy || 0) });
        pos.className = "qx-meta qp-located";
      }, function (e) {
        pos.textContent = ctx.t("problem_position_failed", { message: e.message || e.code });
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    }
    function drawThumbs() {
      var h = ctx.dom.h;
      ctx.dom.clear(thumbsNode);
      draft.photos.forEach(function (url, i) {
        thumbsNode.appendChild(h("span", { className: "qp-thumb" }, [
          h("img", { src: url, alt: ctx.t("qxy_photos") }),
          h("button", { type: "button", className: "qp-remove", title: ctx.t("problem_remove_photo"), text: "×",
            onclick: function () { draft.photos.splice(i, 1); drawThumbs(); } })
        ]));
      });
    }
    doc.getElementById("qp-locate").addEventListener("click", locate);
    doc.getElementById("qp-photo").addEventListener("change", function (ev) {
      var files = Array.prototype.slice.call(ev.target.files || []);
      var room = cfg.photo.maxCount - draft.photos.length;
      if (files.length > room) say(ctx.t("problem_too_many_photos", { n: cfg.photo.maxCount }));
      Promise.all(files.slice(0, Math.max(room, 0)).map(function (f) { return root.gridcc.qxyphoto.shrink(f, cfg.photo.maxSide, cfg.photo.quality); }))
        .then(function (urls) { draft.photos = draft.photos.concat(urls); drawThumbs(); ev.target.value = ""; });
    });
    var send = doc.getElementById("qp-send");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      draft.category = doc.getElementById("qp-category").value;
      draft.text = doc.getElementById("qp-text").value;
      var made = uploadBody(draft, cfg.crs);
      if (made.missing) { say(ctx.t(made.missing)); return; }
      send.disabled = true;
      say(ctx.t("problem_sending"), true);
      ctx.http.post(cfg.urls.upload, made.body, { timeoutMs: 60000 }).then(function (p) {
        say(ctx.t("problem_sent", { id: p.id }), true);
        form.reset();
        draft = { photos: [], position: draft.position, reportId: reportId(Date.now()) };
        drawThumbs();
        load();
      }, function (e) { say(errText(ctx, e)); }).finally(function () { send.disabled = false; });
    });
    function load() {
      return ctx.http.get(cfg.urls.mine).then(function (r) {
        var list = r.problems || [];
        ctx.dom.clear(mine);
        if (!list.length) mine.appendChild(ctx.dom.h("li", { className: "qx-empty", text: ctx.t("problem_mine_empty") }));
        list.forEach(function (p) {
          var h = ctx.dom.h;
          mine.appendChild(item(ctx, p, { meta: h("div", { className: "qx-meta qp-meta" }, [
            h("span", { text: ctx.t("problem_reported_at", { when: when(p.reported_at) }) }),
            h("span", { className: "qp-place", text: ctx.t("problem_place", { place: p.place || p.cell }) })
          ]) }));
        });
      }, function () { /* kept as shown; the next round tries again */ });
    }
    locate();
    load();
    setInterval(load, cfg.refreshMs || 30000);
    return { refresh: load };
  }

  // -- the community's desk ---------------------------------------------------------------
  function startDesk(pane, ctx) {
    var doc = root.document, cfg = ctx.config, h = ctx.dom.h;
    var list = doc.getElementById("qp-desk-list");
    var msg = doc.getElementById("qp-desk-msg");
    var chips = Array.prototype.slice.call(pane.querySelectorAll(".qx-chip"));
    var filter = "", shown = [], open = null, timer = null;
    function say(text, good) { msg.textContent = text; msg.className = "qx-msg " + (good ? "qx-good" : "qx-bad"); }
    chips.forEach(function (c) {
      c.addEventListener("click", function () {
        filter = c.dataset.state;
        chips.forEach(function (b) { b.setAttribute("aria-pressed", String(b === c)); });
        draw();
      });
    });
    function act(p, action, payload) {
      payload.expected_version = p.version;
      var url = cfg.urls.action.replace("{id}", p.id).replace("{action}", action);
      return ctx.http.post(url, payload).then(function () {
        open = null;
        say(ctx.t("problem_done", { id: p.id }), true);
        return load();
      }, function (e) {
        say(errText(ctx, e));
        if (e && e.status === 409) { open = null; return load(); }  // changed meanwhile: read it again
      });
    }
    function actionForm(p, action) {
      var field;
      if (action === "to-case") {
        field = h("select", { className: "qp-case-category" }, cfg.caseCategories.map(function (c) {
          return h("option", { value: c.code, text: c.name, selected: c.code === cfg.defaultCaseCategory[p.category] });
        }));
      } else {
        field = h("textarea", { className: "qp-note-input", rows: 2, maxLength: cfg.maxNote });
      }
      var label = action === "to-case" ? "problem_case_category" : action === "solve" ? "problem_note_prompt" : "problem_reason_prompt";
      return h("div", { className: "qp-form qx-form" }, [
        h("label", {}, [ctx.t(label), field]),
        h("div", { className: "qx-actions" }, [
          h("button", { type: "button", className: "qx-btn qp-confirm", text: ctx.t("problem_confirm"),
            onclick: function (ev) {
              ev.target.disabled = true;
              var payload = action === "to-case" ? { category: field.value } : action === "solve" ? { note: field.value } : { reason: field.value };
              act(p, action, payload).finally(function () { ev.target.disabled = false; });
            } }),
          h("button", { type: "button", className: "qx-btn qx-quiet", text: ctx.t("problem_cancel"),
            onclick: function () { open = null; draw(); } })
        ])
      ]);
    }
    function actions(p) {
      var names = actionsFor(cfg.actions, p.state);
      if (!names.length) return null;
      if (open && open.id === p.id) return actionForm(p, open.action);
      return h("div", { className: "qx-actions" }, names.map(function (name) {
        return h("button", {
          type: "button", className: "qx-btn" + (name === "accept" || name === "solve" ? "" : " qx-quiet"),
          dataset: { action: name }, text: ctx.t(ACTION_WORD[name]),
          onclick: function (ev) {
            if (name === "accept") { ev.target.disabled = true; act(p, name, {}); return; }
            open = { id: p.id, action: name };
            draw();
          }
        });
      }));
    }
    function meta(p) {
      var who = p.reporter || {};
      return h("div", { className: "qx-meta qp-meta" }, [
        h("span", { text: ctx.t("problem_reported_at", { when: when(p.reported_at) }) }),
        h("span", { className: "qp-place", title: p.cell, text: ctx.t("problem_place", { place: p.place || p.cell }) }),
        who.phone ? h("span", { className: "qp-reporter" }, [
          ctx.t("problem_reporter") + " " + (who.name || "") + " ",
          h("a", { href: "tel:" + who.phone, text: who.phone })
        ]) : null
      ]);
    }
    function draw() {
      var counts = countByState(shown, cfg.states);
      cfg.states.forEach(function (s) {
        var badge = pane.querySelector('[data-state-count="' + s + '"]');
        if (badge) badge.textContent = counts[s] ? String(counts[s]) : "";
      });
      ctx.count(counts["new"] || 0);
      ctx.dom.clear(list);
      var rows = shown.filter(function (p) { return !filter || p.state === filter; });
      if (!rows.length) list.appendChild(h("li", { className: "qx-empty", text: ctx.t("problem_desk_empty") }));
      rows.forEach(function (p) { list.appendChild(item(ctx, p, { meta: meta(p), actions: actions(p) })); });
    }
    function load() {
      return ctx.http.get(cfg.urls.list).then(function (r) {
        shown = r.problems || [];
        // A form being filled stays open only while its problem still allows the step.
        if (open && !shown.some(function (p) { return p.id === open.id && actionsFor(cfg.actions, p.state).indexOf(open.action) >= 0; })) open = null;
        if (!open) draw();
      }, function (e) { say(errText(ctx, e)); });
    }
    load();
    return {
      refresh: load,
      onEvent: function (ev) {
        if (!ev || ev.item_kind !== "problem") return;
        clearTimeout(timer);
        timer = setTimeout(load, 150);  // a burst of events: one read
      }
    };
  }

  function install(win) {
    var G = win.gridcc;
    if (!G || !G.qxy) return;
    var section = {};
    G.qxy.register("problems", {
      start: function (pane, ctx) {
        section = pane.querySelector("#qp-form") ? startPublic(pane, ctx) : startDesk(pane, ctx);
      },
      onEvent: function (ev) { if (section.onEvent) section.onEvent(ev); },
      refresh: function () { if (section.refresh) section.refresh(); }
    });
  }

  return {
    install: install, reportId: reportId, actionsFor: actionsFor, stateClass: stateClass,
    countByState: countByState, caseLine: caseLine, noteLine: noteLine, when: when,
    uploadBody: uploadBody
  };
});
