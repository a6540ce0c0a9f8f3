/* gridcc qxy calls: 微志愿 on the community's desk and on the public's phone page.
 *
 * The community's tab publishes a call, shows each of its calls with a live bar ("7 of 10
 * signed up, 2 reported": the numbers ride in each call/signup event's data, so the bar
 * moves on the event; the sign-up list is then re-read), closes or cancels a call, and
 * imports teams. The public's tab (no socket) lets a signed-in person become a volunteer,
 * lists the open calls of the district and their own sign-ups (check in on the day, report
 * with a photo shrunk on the phone), re-reading every refreshMs while visible and after
 * each own action. Text is set with textContent only.
 *
 * The pure parts (progress, percent, windowState, localInput, when, applyEvent)
 * are tested with node (tests/js/qxycalls.test.js).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(root);
  else { root.gridcc = root.gridcc || {}; root.gridcc.qxycalls = factory(root); }
})(typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  var STATE_CLASS = { open: "qx-s-open", full: "qx-s-going", done: "qx-s-done", cancelled: "qx-s-gone" };
  var SIGNUP_CLASS = { signed: "qx-s-open", checked_in: "qx-s-going", reported: "qx-s-done", withdrawn: "qx-s-gone" };

  // "7 of 10 signed up, 2 reported" in the page's words.
  function progress(t, call) {
    return t("call_progress", { n: call.signed, m: call.wanted, k: call.reported });
  }

  // The bar's two widths (percent of wanted): signed up, and reported of those.
  function percent(call) {
    var m = Math.max(1, call.wanted || 0);
    return {
      signed: Math.min(100, Math.round(100 * (call.signed || 0) / m)),
      reported: Math.min(100, Math.round(100 * (call.reported || 0) / m))
    };
  }

  // Where `nowMs` is against a call's check-in window: "before", "open" or "after".
  function windowState(startsIso, endsIso, beforeMs, nowMs) {
    var opens = Date.parse(startsIso) - beforeMs, closes = Date.parse(endsIso);
    if (nowMs < opens) return "before";
    return nowMs <= closes ? "open" : "after";
  }

  // A datetime-local input's value, read as the district's local time: ISO with its offset.
  function localInput(value, offset) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value || "")) return "";
    return (value.length === 16 ? value + ":00" : value) + offset;
  }

  // A datetime-local value `hours` from `nowMs`, in the district's time (offset minutes).
  function inputAt(nowMs, hours, offsetMinutes) {
    var d = new Date(nowMs + hours * 3600e3 + offsetMinutes * 60e3);
    d.setUTCMinutes(0, 0, 0);
    return d.toISOString().slice(0, 16);
  }

  // "12-01 09:00" in the district's time zone.
  function when(iso, tz) {
    if (!iso) return "";
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: tz, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23"
    }).formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
  }

  // "12-01 09:00 – 12:00" (the end's date only when it is another day).
  function span(startIso, endIso, tz) {
    var a = when(startIso, tz), b = when(endIso, tz);
    return a + " – " + (a.slice(0, 5) === b.slice(0, 5) ? b.slice(6) : b);
  }

  // Apply an event's numbers to the calls shown (by id); the id changed, or null.
  function applyEvent(byId, event) {
    var data = (event && event.data) || {};
    var id = event && event.item_kind === "call" ? event.item_id : data.call;
    var call = byId[id];
    if (!call || data.signed === undefined) return null;
    call.signed = data.signed;
    call.wanted = data.wanted;
    call.reported = data.reported;
    if (data.state) call.state = data.state;
    return id;
  }

  // -- the browser ----------------------------------------------------------------------
  function errorText(ctx, err) {
    var known = { full: "call_full", not_volunteer: "call_become_first", window: "call_window_before" };
    if (err && known[err.error]) return ctx.t(known[err.error]);
    return ctx.t("qxy_failed", { message: (err && err.message) || "?" });
  }

  function say(node, text, good) {
    node.textContent = text || "";
    node.classList.toggle("qx-bad", !!text && !good);
    node.classList.toggle("qx-good", !!text && !!good);
  }

  function bar(ctx, call) {
    var h = ctx.dom.h, p = percent(call);
    return h("div", { className: "qc-progress" }, [
      h("div", { className: "qx-bar qc-bar", attrs: { role: "img", "aria-label": progress(ctx.t, call) } }, [
        h("span", { className: "qc-signed", style: { width: p.signed + "%" } }),
        h("span", { className: "qc-reported", style: { width: p.reported + "%" } })
      ]),
      h("span", { className: "qc-progress-text", text: progress(ctx.t, call) })
    ]);
  }

  function stateChip(ctx, state) {
    return ctx.dom.h("span", { className: "qx-state " + (STATE_CLASS[state] || ""), text: ctx.t("call_state_" + state) });
  }

  function thumbs(ctx, photos) {
    if (!photos || !photos.length) return null;
    return ctx.dom.h("div", { className: "qx-thumbs" }, photos.map(function (p) {
      return ctx.dom.h("a", { href: p.url, target: "_blank", rel: "noopener" }, [ctx.dom.h("img", { src: p.url, alt: ctx.t("qxy_photos") })]);
    }));
  }

  // -- the community's desk ---------------------------------------------------------------
  function startCommunity(pane, ctx) {
    var h = ctx.dom.h, cfg = ctx.config, t = ctx.t;
    var list = pane.querySelector("#qc-calls");
    var form = pane.querySelector("#qc-publish");
    var msg = pane.querySelector("#qc-publish-msg");
    var byId = {}, pending = null, openLists = {};
    var offsetMin = 8 * 60;

    var cell = pane.querySelector("#qc-cell");
    cell.appendChild(h("option", { value: "", text: t("call_cell_none") }));
    (cfg.cells || []).forEach(function (c) { cell.appendChild(h("option", { value: c, text: c.slice(12) + " · " + c })); });
    pane.querySelector("#qc-starts").value = inputAt(Date.now(), 24, offsetMin);
    pane.querySelector("#qc-ends").value = inputAt(Date.now(), 27, offsetMin);

    function signupRow(s) {
      return h("li", { className: "qc-su", dataset: { state: s.state } }, [
        h("span", { className: "qc-su-name", text: s.name || "—" }),
        h("span", { className: "qc-su-phone", text: s.phone }),
        h("span", { className: "qx-state " + (SIGNUP_CLASS[s.state] || ""), text: t("call_su_" + s.state) }),
        s.report ? h("p", { className: "qc-su-report", text: s.report }) : null,
        thumbs(ctx, s.photos)
      ]);
    }

    function item(call) {
      var live = call.state === "open" || call.state === "full";
      var standing = (call.signups || []).filter(function (s) { return s.state !== "withdrawn"; });
      var details = h("details", { className: "qc-signups", open: !!openLists[call.id] }, [
        h("summary", { text: t("call_signups") + " (" + standing.length + ")" }),
        (call.signups || []).length
          ? h("ul", { className: "qc-su-list" }, call.signups.map(signupRow))
          : h("p", { className: "qx-empty", text: t("call_no_signups") })
      ]);
      details.addEventListener("toggle", function () { openLists[call.id] = details.open; });
      var actions = live ? h("div", { className: "qx-actions" }, [
        h("button", { className: "qx-btn qx-quiet qc-close", type: "button", text: t("call_close"), onclick: function () { act(call, "close", ""); } }),
        h("button", { className: "qx-btn qx-quiet qc-cancel", type: "button", text: t("call_cancel"), onclick: function () {
          var why = root.prompt(t("call_cancel_ask"));
          if (why) act(call, "cancel", why);
        } })
      ]) : null;
      var meta = [span(call.starts_at, call.ends_at, cfg.tz), call.place, call.cell ? call.cell.slice(12) : ""];
      if (call.team) meta.push(t("call_for_team", { team: call.team }));
      return h("li", { className: "qx-item qc-call", dataset: { call: call.id, state: call.state } }, [
        h("div", { className: "qx-item-head" }, [h("strong", { text: call.task }), stateChip(ctx, call.state)]),
        h("div", { className: "qx-meta", text: meta.filter(Boolean).join(" · ") }),
        call.text ? h("p", { className: "qc-text", text: call.text }) : null,
        bar(ctx, call), details, actions
      ]);
    }

    function paint() {
      ctx.dom.clear(list);
      var calls = Object.keys(byId).map(function (k) { return byId[k]; });
      calls.sort(function (a, b) { return b.starts_at < a.starts_at ? -1 : b.starts_at > a.starts_at ? 1 : b.id - a.id; });
      if (!calls.length) list.appendChild(h("li", { className: "qx-empty", text: t("qxy_empty") }));
      calls.forEach(function (c) { list.appendChild(item(c)); });
      ctx.count(calls.filter(function (c) { return c.state === "open"; }).length);
    }

    function repaintOne(id) {
      var node = list.querySelector('[data-call="' + id + '"]');
      if (node && byId[id]) node.replaceWith(item(byId[id]));
      else paint();
    }

    function load() {
      return ctx.http.get("/api/qxy/calls").then(function (body) {
        byId = {};
        body.calls.forEach(function (c) { byId[c.id] = c; });
        paint();
      }, function (err) { say(msg, errorText(ctx, err)); });
    }

    function loadTeams() {
      var box = pane.querySelector("#qc-team-list"), sel = pane.querySelector("#qc-team");
      return ctx.http.get("/api/qxy/teams").then(function (body) {
        pane.querySelector("#qc-teams-count").textContent = t("call_teams_count", { n: body.count, v: body.volunteers });
        ctx.dom.clear(box);
        ctx.dom.clear(sel);
        sel.appendChild(h("option", { value: "", text: t("call_team_none") }));
        if (!body.teams.length) box.appendChild(h("li", { className: "qx-empty", text: t("call_teams_none") }));
        body.teams.forEach(function (team) {
          box.appendChild(h("li", {}, [h("span", { text: team.name }), h("span", { className: "qx-meta", text: t("call_members", { n: team.members }) })]));
          sel.appendChild(h("option", { value: team.id, text: team.name }));
        });
      });
    }

    function act(call, what, reason) {
      ctx.http.post("/api/qxy/calls/" + call.id + "/" + what, { reason: reason }).then(load, function (err) { say(msg, errorText(ctx, err)); });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = pane.querySelector("#qc-send");
      var body = {
        task: pane.querySelector("#qc-task").value,
        text: pane.querySelector("#qc-text").value,
        place: pane.querySelector("#qc-place").value,
        starts_at: localInput(pane.querySelector("#qc-starts").value, cfg.offset),
        ends_at: localInput(pane.querySelector("#qc-ends").value, cfg.offset),
        wanted: Number(pane.querySelector("#qc-wanted").value),
        cell: cell.value || null,
        team: pane.querySelector("#qc-team").value || null
      };
      button.disabled = true;
      ctx.http.post("/api/qxy/calls", body).then(function (made) {
        say(msg, t("call_published", { task: made.task }), true);
        byId[made.id] = Object.assign({ signups: [] }, made);
        paint();
        form.reset();
        pane.querySelector("#qc-starts").value = inputAt(Date.now(), 24, offsetMin);
        pane.querySelector("#qc-ends").value = inputAt(Date.now(), 27, offsetMin);
      }, function (err) { say(msg, errorText(ctx, err)); }).finally(function () { button.disabled = false; });
    });

    var teamFile = pane.querySelector("#qc-teams-file");
    teamFile.addEventListener("change", function () {
      var f = teamFile.files[0];
      pane.querySelector("#qc-teams-file-name").textContent = f ? f.name : "";
      pane.querySelector("#qc-teams-send").disabled = !f;
    });
    pane.querySelector("#qc-teams-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var file = pane.querySelector("#qc-teams-file").files[0];
      var out = pane.querySelector("#qc-teams-msg");
      if (!file) return;
      var data = new root.FormData();
      data.append("file", file);
      ctx.http.upload("/api/qxy/teams/import", data).then(function (body) {
        say(out, t("call_teams_done", { n: body.teams }), true);
        loadTeams();
      }, function (err) {
        ctx.dom.clear(out);
        say(out, errorText(ctx, err));
        (err.problems || []).forEach(function (p) {
          out.appendChild(h("div", { text: (p.row ? "#" + p.row + " " : "") + (ctx.lang === "zh" ? p.message_zh : p.message) }));
        });
      });
    });

    load();
    loadTeams();
    return {
      onEvent: function (event) {
        if (event.item_kind !== "call" && event.item_kind !== "signup") {
          if (event.item_kind === "team") loadTeams();
          return;
        }
        var id = applyEvent(byId, event);
        if (id !== null) repaintOne(id);
        // The sign-up list (names) is read again, once for a burst of events.
        if (pending) clearTimeout(pending);
        pending = setTimeout(function () { pending = null; load(); }, 400);
      },
      refresh: function () { load(); loadTeams(); }
    };
  }

  // -- the public's phone page --------------------------------------------------------------
  function startPublic(pane, ctx) {
    var h = ctx.dom.h, cfg = ctx.config, t = ctx.t;
    var me = cfg.me || {};
    var openList = pane.querySelector("#qc-open"), mineList = pane.querySelector("#qc-mine");
    var msg = pane.querySelector("#qc-public-msg");
    var become = pane.querySelector("#qc-become");
    var names = {};
    (cfg.communities || []).forEach(function (c) { names[c.code] = c.street + " · " + c.name; });
    var busy = false;

    function showMe() {
      become.hidden = !!me.volunteer;
      var line = pane.querySelector("#qc-me");
      line.hidden = !me.volunteer;
      pane.querySelector("#qc-mine-box").hidden = !me.volunteer;
      line.textContent = me.volunteer ? t("call_you_are", { community: names[me.community] || "" }) : "";
    }

    var pick = pane.querySelector("#qc-community"), team = pane.querySelector("#qc-join-team");
    pick.appendChild(h("option", { value: "", text: t("call_pick_community") }));
    (cfg.communities || []).forEach(function (c) { pick.appendChild(h("option", { value: c.code, text: names[c.code] })); });
    function teamsOf(code) {
      ctx.dom.clear(team);
      team.appendChild(h("option", { value: "", text: t("call_no_team") }));
      if (!code) return;
      ctx.http.get("/api/qxy/teams", { community: code }).then(function (body) {
        body.teams.forEach(function (x) { team.appendChild(h("option", { value: x.id, text: x.name })); });
      });
    }
    pick.addEventListener("change", function () { teamsOf(pick.value); });
    teamsOf("");
    if (me.name) pane.querySelector("#qc-name").value = me.name;

    become.addEventListener("submit", function (e) {
      e.preventDefault();
      var out = pane.querySelector("#qc-become-msg");
      ctx.http.post("/api/qxy/volunteer", {
        community: pick.value, team: team.value || null, name: pane.querySelector("#qc-name").value
      }).then(function (now) { me = now; showMe(); load(); }, function (err) { say(out, errorText(ctx, err)); });
    });

    function step(call, what, body, node) {
      if (busy) return;
      busy = true;
      if (node) node.disabled = true;
      return ctx.http.post("/api/qxy/calls/" + call + "/" + what, body || {}).then(function () {
        say(msg, "");
      }, function (err) {
        say(msg, errorText(ctx, err));
      }).finally(function () { busy = false; load(); });
    }

    function openItem(call) {
      var mine = call.mine && call.mine.state !== "withdrawn";
      var action;
      if (mine) action = h("span", { className: "qx-state qx-s-done", text: t("call_signed_up") });
      else if (call.state === "full") action = h("button", { className: "qx-btn qc-sign-up", type: "button", disabled: true, text: t("call_full") });
      else action = h("button", { className: "qx-btn qc-sign-up", type: "button", text: t("call_sign_up"), onclick: function (e) {
        if (!me.volunteer) { say(msg, t("call_become_first")); become.scrollIntoView(); return; }
        step(call.id, "signup", {}, e.currentTarget);
      } });
      return h("li", { className: "qx-item qc-open-call", dataset: { call: call.id, state: call.state } }, [
        h("div", { className: "qx-item-head" }, [h("strong", { text: call.task }), stateChip(ctx, call.state)]),
        h("div", { className: "qx-meta", text: span(call.starts_at, call.ends_at, cfg.tz) }),
        h("div", { className: "qx-meta", text: [names[call.community], call.place].filter(Boolean).join(" · ") }),
        call.text ? h("p", { className: "qc-text", text: call.text }) : null,
        bar(ctx, call),
        h("div", { className: "qx-actions" }, [action])
      ]);
    }

    function reportForm(s) {
      var text = h("textarea", { className: "qc-report-text", rows: 3, maxLength: 1000, attrs: { "aria-label": t("call_report_text"), placeholder: t("call_report_text") } });
      var file = h("input", { className: "qc-report-photo", type: "file", accept: "image/*", attrs: { capture: "environment", "aria-label": t("qxy_add_photo") } });
      var preview = h("div", { className: "qx-thumbs qc-preview" });
      var photos = [];
      file.addEventListener("change", function () {
        var f = file.files[0];
        if (!f || photos.length >= cfg.photo.maxCount) return;
        root.gridcc.qxyphoto.shrink(f, cfg.photo.maxSide, cfg.photo.quality).then(function (url) {
          photos.push(url);
          preview.appendChild(h("img", { src: url, alt: "" }));
        });
      });
      var send = h("button", { className: "qx-btn qc-report-send", type: "submit", text: t("call_report_send") });
      var form = h("form", { className: "qx-form qc-report" }, [
        h("label", { text: t("call_report") }), text,
        h("label", { className: "qx-btn qx-quiet qc-add-photo" }, [t("qxy_add_photo"), file]),
        preview, send
      ]);
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        step(s.call.id, "report", { text: text.value, photos: photos }, send);
      });
      return form;
    }

    function mineItem(s) {
      var call = s.call, parts = [];
      var state = windowState(call.starts_at, call.ends_at, cfg.checkInBeforeMs, Date.now());
      if (s.state === "signed" && call.state === "cancelled") {
        parts.push(stateChip(ctx, "cancelled"));
      } else if (s.state === "signed") {
        if (state === "open") parts.push(h("button", { className: "qx-btn qc-check-in", type: "button", text: t("call_check_in"), onclick: function (e) { step(call.id, "checkin", {}, e.currentTarget); } }));
        else parts.push(h("span", { className: "qx-meta", text: t(state === "before" ? "call_window_before" : "call_window_after") }));
        if (call.state === "open" || call.state === "full") parts.push(h("button", { className: "qx-btn qx-quiet qc-withdraw", type: "button", text: t("call_withdraw"), onclick: function (e) { step(call.id, "withdraw", {}, e.currentTarget); } }));
      }
      var body = [
        h("div", { className: "qx-item-head" }, [h("strong", { text: call.task }), h("span", { className: "qx-state " + (SIGNUP_CLASS[s.state] || ""), text: t("call_su_" + s.state) })]),
        h("div", { className: "qx-meta", text: [span(call.starts_at, call.ends_at, cfg.tz), call.place].filter(Boolean).join(" · ") }),
        h("div", { className: "qx-meta qc-mine-progress", text: progress(t, call) })
      ];
      if (parts.length) body.push(h("div", { className: "qx-actions" }, parts));
      if (s.state === "checked_in") body.push(reportForm(s));
      if (s.state === "reported") {
        body.push(h("p", { className: "qx-msg qx-good", text: t("call_reported") }));
        body.push(h("p", { className: "qc-su-report", text: s.report }));
        body.push(thumbs(ctx, s.photos));
      }
      return h("li", { className: "qx-item qc-mine-item", dataset: { call: call.id, state: s.state } }, body);
    }

    function typing() {
      var el = root.document.activeElement;
      return el && pane.contains(el) && (el.tagName === "TEXTAREA" || el.type === "file");
    }

    function load() {
      if (typing()) return Promise.resolve();  // never wipe a report being written
      return Promise.all([ctx.http.get("/api/qxy/calls/open"), ctx.http.get("/api/qxy/calls/mine")]).then(function (got) {
        me = got[0].me || me;
        showMe();
        ctx.dom.clear(openList);
        var open = got[0].calls;
        if (!open.length) openList.appendChild(h("li", { className: "qx-empty", text: t("call_no_open") }));
        open.forEach(function (c) { openList.appendChild(openItem(c)); });
        ctx.dom.clear(mineList);
        var mine = got[1].signups.filter(function (s) { return s.state !== "withdrawn"; });
        if (!mine.length) mineList.appendChild(h("li", { className: "qx-empty", text: t("call_no_mine") }));
        mine.forEach(function (s) { mineList.appendChild(mineItem(s)); });
        ctx.count(open.filter(function (c) { return c.state === "open"; }).length);
        pane.querySelector("#qc-refreshed").textContent = t("call_refreshed", { time: when(new Date().toISOString(), cfg.tz).slice(6) });
      }, function (err) { say(msg, errorText(ctx, err)); });
    }

    showMe();
    load();
    setInterval(function () {
      if (root.document.visibilityState === "visible" && !pane.hidden) load();
    }, cfg.refreshMs || 20000);
    root.document.addEventListener("visibilitychange", function () {
      if (root.document.visibilityState === "visible" && !pane.hidden) load();
    });
    return { refresh: load, shown: load };
  }

  function start(pane, ctx) {
    var view = ctx.config.page === "community" ? startCommunity(pane, ctx) : startPublic(pane, ctx);
    section.onEvent = view.onEvent || null;
    section.refresh = view.refresh || null;
    section.shown = view.shown || null;
  }

  var section = { start: start };
  if (root.gridcc && root.gridcc.qxy && typeof module === "undefined") root.gridcc.qxy.register("calls", section);

  return {
    progress: progress, percent: percent, windowState: windowState, localInput: localInput,
    inputAt: inputAt, when: when, span: span, applyEvent: applyEvent
  };
});
