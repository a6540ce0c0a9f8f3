/* gridcc qxylists: 三张清单's tab on the community's desk (its needs, each open one with
 * its suggested resources and why, an accept button; its projects' progress) and on a
 * unit's page (its resources, its projects with the needs they serve, a progress form).
 *
 * The server decides everything (who sees what, the suggestions, the states); this page
 * shows it and sends what a person asks. Live: a platform event about a need, a resource
 * or a project makes the tab read its lists again (one read in flight, the next queued).
 * All text from the server goes in as text (gridcc.dom.h), never as markup.
 *
 * Pure parts (reasonText, stateClass, relevant, formBody, progressChoices, cellLabel) are
 * tested with node (tests/js/qxylists.test.js).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(root);
  else {
    root.gridcc = root.gridcc || {};
    root.gridcc.qxylists = factory(root);
    if (root.gridcc.qxy) root.gridcc.qxy.register("lists", root.gridcc.qxylists.section);
  }
})(typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  var KINDS = { need: true, resource: true, project: true };

  // A suggestion's reason in the page's words: {code, values} → "同类：助老".
  function reasonText(reason, t, categoryName) {
    var values = {};
    Object.keys(reason.values || {}).forEach(function (k) {
      var v = reason.values[k];
      values[k] = (k === "category" || k === "resource_category") ? categoryName(v) : v;
    });
    return t("lists_why_" + reason.code, values);
  }

  // "qx-state qx-s-going" for a matched need (the looks come from the config).
  function stateClass(looks, kind, state) {
    var look = ((looks || {})[kind] || {})[state] || "gone";
    return "qx-state qx-s-" + look;
  }

  function relevant(event) {
    return !!event && KINDS[event.item_kind] === true;
  }

  // The form's fields → the body to send, or {error: words key} (the server checks again).
  function formBody(kind, fields, limits) {
    var amountKey = kind === "need" ? "quantity" : "capacity";
    var title = String(fields.title || "").trim();
    if (!fields.category) return { error: "lists_category" };
    if (!title || title.length > limits.title) return { error: "lists_title" };
    var amount = Number(fields[amountKey]);
    if (!Number.isInteger(amount) || amount < 1 || amount > limits.amount) return { error: "lists_" + amountKey };
    var text = String(fields.text || "").trim();
    if (text.length > limits.text) return { error: "lists_text" };
    var body = { category: fields.category, title: title, text: text };
    body[amountKey] = amount;
    if (kind === "need" && fields.cell_code) body.cell_code = fields.cell_code;
    return { body: body };
  }

  // The progress a project may be moved to: the steps above where it is.
  function progressChoices(current, steps) {
    return (steps || []).filter(function (s) { return s > current; });
  }

  // "370102009001007" → "7" (the cell's number in its community).
  function cellLabel(code) {
    return String(Number(String(code).slice(12)));
  }

  // -- the view -----------------------------------------------------------------------
  function section() {
    var pane, ctx, cfg, h, running = false, again = false, timer = null;
    // What survives a re-render (each live event redraws the lists): a need's last
    // suggestions (shown at once, then read again) and a progress form's unsent input.
    var suggested = {}, drafts = {};

    function categoryName(code) {
      var found = (cfg.categories || []).filter(function (c) { return c[0] === code; })[0];
      return found ? found[1] : code;
    }
    function say(node, ok, text) {
      node.textContent = text;
      node.className = "qx-msg " + (ok ? "qx-good" : "qx-bad");
    }
    function failed(node) {
      return function (err) { say(node, false, ctx.t("qxy_failed", { message: (err && err.message) || "?" })); };
    }
    function chip(kind, state) {
      return h("span", { className: stateClass(cfg.states, kind, state), text: ctx.t("lists_" + kind + "_state_" + state) });
    }
    function empty(key) { return h("li", { className: "qx-empty", text: ctx.t(key) }); }
    function fill(list, items, key) {
      ctx.dom.clear(list);
      ctx.dom.append(list, items.length ? items : [empty(key)]);
    }

    function setupForm(kind) {
      var form = pane.querySelector("#ql-" + kind + "-form");
      if (!form) return;
      var select = form.querySelector("select[name=category]");
      (cfg.categories || []).forEach(function (c) { select.appendChild(h("option", { value: c[0], text: c[1] })); });
      var cells = form.querySelector("select[name=cell_code]");
      if (cells) {
        cells.appendChild(h("option", { value: "", text: ctx.t("lists_cell_none") }));
        (cfg.cells || []).forEach(function (c) { cells.appendChild(h("option", { value: c, text: ctx.t("lists_cell_n", { n: cellLabel(c) }) })); });
      }
      var msg = form.querySelector(".qx-msg");
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var fields = {};
        Array.prototype.forEach.call(form.elements, function (el) { if (el.name) fields[el.name] = el.value; });
        var made = formBody(kind, fields, cfg.limits);
        if (made.error) { say(msg, false, ctx.t(made.error)); return; }
        var button = form.querySelector("button[type=submit]");
        button.disabled = true;
        ctx.http.post(kind === "need" ? "/api/qxy/needs" : "/api/qxy/resources", made.body).then(function () {
          say(msg, true, ctx.t(kind === "need" ? "lists_added_need" : "lists_added_resource"));
          form.querySelector("[name=title]").value = "";
          form.querySelector("[name=text]").value = "";
          refresh();
        }, failed(msg)).finally(function () { button.disabled = false; });
      });
    }

    function post(url, body, msg) {
      return ctx.http.post(url, body || {}).then(function () { refresh(); }, failed(msg));
    }

    function suggestionNode(need, s, msg) {
      var r = s.resource;
      return h("li", { className: "ql-sugg", dataset: { resource: r.id } }, [
        h("div", { className: "qx-item-head" }, [
          h("strong", { text: r.title }),
          h("span", { className: "ql-score", text: ctx.t("lists_score", { n: s.score }) })
        ]),
        h("div", { className: "qx-meta", text: ctx.t("lists_by_unit", { unit: r.unit, where: r.street + " · " + r.community }) +
          " · " + ctx.t("lists_capacity_n", { remaining: r.remaining, capacity: r.capacity }) }),
        h("ul", { className: "ql-why" }, s.reasons.map(function (reason) {
          return h("li", { className: "ql-why-" + reason.code, text: reasonText(reason, ctx.t, categoryName) });
        })),
        h("div", { className: "qx-actions" }, [
          h("button", { className: "qx-btn ql-accept", type: "button", text: ctx.t("lists_accept") + (s.partial ? "（" + ctx.t("lists_take_n", { n: s.take }) + "）" : ""),
            onclick: function (e) { e.target.disabled = true; post("/api/qxy/needs/" + need.id + "/accept", { resource_id: r.id }, msg); } })
        ])
      ]);
    }

    function needNode(need, project) {
      var msg = h("p", { className: "qx-msg", attrs: { role: "status" } });
      var sugg = h("ul", { className: "ql-suggs" });
      var node = h("li", { className: "qx-item ql-need", dataset: { need: need.id, state: need.state } }, [
        h("div", { className: "qx-item-head" }, [h("strong", { text: need.title }), chip("need", need.state)]),
        h("div", { className: "qx-meta", text: [categoryName(need.category), ctx.t("lists_quantity_n", { n: need.quantity }),
          need.cell_code ? ctx.t("lists_cell_n", { n: cellLabel(need.cell_code) }) : ""].filter(Boolean).join(" · ") }),
        need.text ? h("p", { className: "ql-text", text: need.text }) : null,
        project ? h("div", { className: "qx-meta ql-served", text: ctx.t("lists_served_by", { unit: project.unit, progress: project.progress }) }) : null,
        need.state === "open" ? h("div", { className: "ql-suggest" }, [h("h3", { text: ctx.t("lists_suggestions") }), sugg]) : null,
        msg,
        need.state === "open" ? h("div", { className: "qx-actions" }, [
          h("button", { className: "qx-btn qx-quiet ql-withdraw", type: "button", text: ctx.t("lists_withdraw"),
            onclick: function () { post("/api/qxy/needs/" + need.id + "/withdraw", {}, msg); } })
        ]) : null
      ]);
      if (need.state === "open") {
        var show = function (list) { fill(sugg, list.map(function (s) { return suggestionNode(need, s, msg); }), "lists_no_suggestion"); };
        if (suggested[need.id]) show(suggested[need.id]);
        ctx.http.get("/api/qxy/needs/" + need.id + "/suggestions").then(function (data) {
          suggested[need.id] = data.suggestions;
          show(data.suggestions);
        }, failed(msg));
      }
      return node;
    }

    function progressForm(p, msg) {
      var choices = progressChoices(p.progress, cfg.progress_steps);
      var select = h("select", { name: "progress", className: "ql-progress-select" }, choices.map(function (n) {
        return h("option", { value: n, text: ctx.t("lists_progress_n", { n: n }) });
      }));
      var note = h("input", { name: "note", className: "ql-note", maxLength: cfg.limits.note, placeholder: ctx.t("lists_note") });
      var draft = drafts[p.id] || {};
      if (draft.note) note.value = draft.note;
      if (draft.progress && choices.indexOf(draft.progress) >= 0) select.value = String(draft.progress);
      function keep() { drafts[p.id] = { note: note.value, progress: Number(select.value) }; }
      note.addEventListener("input", keep);
      select.addEventListener("change", keep);
      var buttons = [h("button", { className: "qx-btn ql-update", type: "button", text: ctx.t("lists_update"),
        onclick: function () { delete drafts[p.id]; post("/api/qxy/projects/" + p.id + "/progress", { progress: Number(select.value), note: note.value }, msg); } })];
      if (cfg.role === "community") {
        buttons.push(h("button", { className: "qx-btn qx-quiet ql-finish", type: "button", text: ctx.t("lists_finish"),
          onclick: function () { post("/api/qxy/projects/" + p.id + "/done", { note: note.value }, msg); } }));
      }
      return h("div", { className: "ql-progress-form" }, [choices.length ? select : null, note].concat(buttons));
    }

    function projectNode(p) {
      var msg = h("p", { className: "qx-msg", attrs: { role: "status" } });
      var need = p.need || {};
      var who = cfg.role === "community"
        ? ctx.t("lists_by_unit", { unit: p.unit, where: ctx.t("lists_take_n", { n: p.quantity }) })
        : ctx.t("lists_for_need", { street: p.street, community: p.community, n: need.quantity || p.quantity, take: p.quantity });
      return h("li", { className: "qx-item ql-project", dataset: { project: p.id, state: p.state, progress: p.progress } }, [
        h("div", { className: "qx-item-head" }, [h("strong", { text: p.title }), chip("project", p.state)]),
        h("div", { className: "qx-meta", text: who }),
        h("div", { className: "ql-bar-row" }, [
          h("div", { className: "qx-bar", attrs: { role: "progressbar", "aria-valuenow": p.progress, "aria-valuemin": 0, "aria-valuemax": 100 } },
            [h("span", { style: { width: p.progress + "%" } })]),
          h("span", { className: "ql-pct", text: ctx.t("lists_progress_n", { n: p.progress }) })
        ]),
        p.last_note ? h("div", { className: "qx-meta ql-last", text: ctx.t("lists_last_note", { note: p.last_note }) }) : null,
        p.state === "active" ? progressForm(p, msg) : null,
        msg
      ]);
    }

    function resourceNode(r) {
      var msg = h("p", { className: "qx-msg", attrs: { role: "status" } });
      return h("li", { className: "qx-item ql-resource", dataset: { resource: r.id, state: r.state } }, [
        h("div", { className: "qx-item-head" }, [h("strong", { text: r.title }), chip("resource", r.state)]),
        h("div", { className: "qx-meta", text: categoryName(r.category) + " · " + ctx.t("lists_capacity_n", { remaining: r.remaining, capacity: r.capacity }) }),
        h("div", { className: "qx-bar ql-used" }, [h("span", { style: { width: Math.round(100 * r.committed / r.capacity) + "%" } })]),
        r.text ? h("p", { className: "ql-text", text: r.text }) : null,
        msg,
        r.state !== "withdrawn" ? h("div", { className: "qx-actions" }, [
          h("button", { className: "qx-btn qx-quiet ql-withdraw", type: "button", text: ctx.t("lists_withdraw"),
            onclick: function () { post("/api/qxy/resources/" + r.id + "/withdraw", {}, msg); } })
        ]) : null
      ]);
    }

    function load() {
      var reads = [ctx.http.get("/api/qxy/projects")];
      reads.push(ctx.http.get(cfg.role === "community" ? "/api/qxy/needs" : "/api/qxy/resources"));
      return Promise.all(reads).then(function (got) {
        var projects = got[0].projects;
        fill(pane.querySelector("#ql-projects"), projects.map(projectNode), "lists_no_projects");
        if (cfg.role === "community") {
          var needs = got[1].needs;
          var serving = {};
          projects.forEach(function (p) { serving[p.need_id] = p; });
          fill(pane.querySelector("#ql-needs"), needs.map(function (n) { return needNode(n, serving[n.id]); }), "lists_no_needs");
          ctx.count(needs.filter(function (n) { return n.state === "open"; }).length);
        } else {
          fill(pane.querySelector("#ql-resources"), got[1].resources.map(resourceNode), "lists_no_resources");
          ctx.count(projects.filter(function (p) { return p.state === "active"; }).length);
        }
      });
    }

    // One read in flight; events meanwhile ask for one more after it.
    function refresh() {
      if (running) { again = true; return; }
      running = true;
      load().catch(function () {}).finally(function () {
        running = false;
        if (again) { again = false; refresh(); }
      });
    }

    return {
      start: function (node, context) {
        pane = node; ctx = context; cfg = context.config; h = context.dom.h;
        setupForm(cfg.role === "community" ? "need" : "resource");
        refresh();
      },
      onEvent: function (event) {
        if (!relevant(event)) return;
        clearTimeout(timer);
        timer = setTimeout(refresh, 120);
      },
      refresh: refresh,
      shown: refresh  // suggestions may have changed while another tab was up
    };
  }

  return {
    reasonText: reasonText,
    stateClass: stateClass,
    relevant: relevant,
    formBody: formBody,
    progressChoices: progressChoices,
    cellLabel: cellLabel,
    section: section()
  };
});
