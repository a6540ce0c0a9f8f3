/* gridcc qxy wishes: the 微心愿 tab of 泉心愿's pages.
 *
 * On the community's desk: a form to publish a wish (photos shrunk on the device), the
 * community's wishes by state, and each wish's next steps (confirm with the resident,
 * release a claim, withdraw). On a unit's page: the wishes open to claim, and the unit's
 * own claims with a form to report one fulfilled with a photo. On the public's phone page:
 * the resident's own wishes, read only. Live: every platform event about a wish (or the
 * units' bare "changed" notice) makes the tab read its list again; the server decides what
 * each viewer sees, this script only shows it (text only: textContent through gridcc.dom).
 *
 * The pure parts (stateClass, dueInfo, actionsFor, split, progress, counts, concerns, cellNumber,
 * bodySize) are tested with node (tests/js/qxywishes.test.js).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(root);
  else {
    root.gridcc = root.gridcc || {};
    root.gridcc.qxyWishes = factory(root);
    if (root.gridcc.qxy) root.gridcc.qxy.register("wishes", root.gridcc.qxyWishes.section());
  }
})(typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  var STATE_CLASS = {
    open: "qx-s-open", claimed: "qx-s-going", fulfilled: "wi-s-fulfilled",
    confirmed: "qx-s-done", withdrawn: "qx-s-gone"
  };

  function stateClass(state) { return "qx-state " + (STATE_CLASS[state] || ""); }

  // Days from today (YYYY-MM-DD) to the due date: the word to show and its number.
  function dueInfo(due, today) {
    var days = Math.round((Date.parse(due + "T00:00:00Z") - Date.parse(today + "T00:00:00Z")) / 86400000);
    if (isNaN(days)) return { key: "wish_due_on", n: 0 };
    if (days < 0) return { key: "wish_overdue", n: -days };
    if (days === 0) return { key: "wish_due_today", n: 0 };
    return { key: "wish_due_days", n: days };
  }

  // The steps a page offers on a wish (the server checks each again).
  function actionsFor(page, wish, today) {
    if (page === "community") {
      if (wish.state === "open") return ["withdraw"];
      if (wish.state === "claimed") return ["release", "withdraw"];
      if (wish.state === "fulfilled") return ["confirm"];
      return [];
    }
    if (page === "unit") {
      if (wish.state === "open" && (!today || wish.due >= today)) return ["claim"];
      if (wish.state === "claimed" && wish.mine) return ["fulfil"];
    }
    return [];
  }

  // A unit's list in two: open to claim, and its own claims (whatever their state now).
  function split(wishes) {
    var out = { open: [], mine: [] };
    (wishes || []).forEach(function (w) {
      if (w.mine) out.mine.push(w);
      else if (w.state === "open") out.open.push(w);
    });
    out.open.sort(function (a, b) { return a.due < b.due ? -1 : a.due > b.due ? 1 : a.id - b.id; });
    return out;
  }

  // How far a wish has come along its four steps (0–3); a withdrawn one: -1.
  var STEPS = ["open", "claimed", "fulfilled", "confirmed"];
  function progress(state) { return STEPS.indexOf(state); }

  function counts(wishes) {
    var out = {};
    (wishes || []).forEach(function (w) { out[w.state] = (out[w.state] || 0) + 1; });
    return out;
  }

  // Whether a live event means this tab's list may have changed.
  function concerns(event) { return !!event && event.item_kind === "wish"; }

  // A cell's number within its community: its code's last three digits.
  function cellNumber(code) { return parseInt(String(code || "").slice(12), 10) || 0; }

  // The size a photo is sent at: its longest side at most maxSide, never enlarged.
  function bodySize(photos) {
    return (photos || []).reduce(function (n, p) { return n + String(p).length; }, 0);
  }

  // -- the browser's part ------------------------------------------------------------------
  function readPhotos(input, cfg) {
    var files = Array.prototype.slice.call((input && input.files) || [], 0, cfg.max_photos || 4);
    return Promise.all(files.map(function (f) { return root.gridcc.qxyphoto.shrink(f, cfg.photo_side || 1280, cfg.photo_quality || 0.8); }));
  }

  function section() {
    var pane, ctx, cfg, h, page, filter = "", wishes = [], loading = null, again = false;
    var msgTimer = null;

    function t(key, values) { return ctx.t(key, values); }
    function errText(err) { return t("qxy_failed", { message: (err && err.message) || "?" }); }

    function say(node, text, good) {
      if (!node) return;
      node.textContent = text;
      node.className = "qx-msg " + (good ? "qx-good" : text ? "qx-bad" : "");
    }

    function refresh() {
      if (loading) { again = true; return loading; }
      loading = ctx.http.get("/api/qxy/wishes").then(function (body) {
        wishes = body.wishes || [];
        if (body.today) cfg.today = body.today;
        render();
      }, function (err) { say(pane.querySelector("[data-board-msg]"), errText(err)); })
        .finally(function () {
          loading = null;
          if (again) { again = false; refresh(); }
        });
      return loading;
    }

    function thumbs(list) {
      if (!list || !list.length) return null;
      return h("div", { className: "qx-thumbs" }, list.map(function (p) {
        return h("a", { href: p.url, target: "_blank", rel: "noopener" }, [h("img", { src: p.url, alt: "" })]);
      }));
    }

    function meta(w) {
      var due = dueInfo(w.due, cfg.today);
      var bits = [
        h("span", { className: "wi-cat", text: cfg.categories[w.category] || w.category }),
        h("span", { text: t("wish_due_on", { date: w.due.slice(5) }) })
      ];
      if (w.state === "open" || w.state === "claimed") {
        bits.push(h("span", { className: due.key === "wish_overdue" ? "wi-late" : due.key === "wish_due_today" ? "wi-soon" : "", text: t(due.key, { n: due.n }) }));
      }
      if (w.cell_code) bits.push(h("span", { text: t("wish_cell_n", { n: cellNumber(w.cell_code) }) }));
      if (page !== "community" && w.community_name) {
        bits.push(h("span", { text: t("wish_community_of", { street: w.street_name, community: w.community_name }) }));
      }
      if (w.synthetic) bits.push(h("span", { className: "wi-syn", text: t("wish_synthetic") }));
      return h("div", { className: "qx-meta wi-meta" }, bits);
    }

    function noteLine(key, text) { return text ? h("p", { className: "wi-note", text: t(key, { note: text }) }) : null; }

    function item(w) {
      var kids = [
        h("div", { className: "qx-item-head" }, [
          h("strong", { className: "wi-title", text: w.title }),
          h("span", { className: stateClass(w.state), dataset: { state: w.state }, text: t("wish_state_" + w.state) })
        ]),
        meta(w)
      ];
      if (w.text) kids.push(h("p", { className: "wi-text", text: w.text }));
      if (w.resident_name || w.resident_phone) {
        kids.push(h("p", { className: "qx-meta", text: t("wish_resident", { name: w.resident_name || "", phone: w.resident_phone || "" }) }));
      }
      kids.push(thumbs(w.photos));
      // A claim holds to the end of the due day (claim_expires_at: the next midnight).
      var until = w.state === "claimed" && w.claim_expires_at ? t("wish_claim_until", { date: w.due.slice(5) }) : "";
      if (w.unit_name && w.state !== "open" && !w.mine) {
        kids.push(h("p", { className: "qx-meta wi-unit", text: t("wish_claimed_by", { unit: w.unit_name }) + (until ? " · " + until : "") }));
      } else if (w.mine && until) {
        kids.push(h("p", { className: "qx-meta wi-unit", text: until }));
      }
      kids.push(noteLine("wish_fulfil_note", w.fulfil_note));
      if (w.fulfil_photos && w.fulfil_photos.length) {
        kids.push(h("div", { className: "qx-meta", text: t("wish_fulfil_photos") }));
        kids.push(thumbs(w.fulfil_photos));
      }
      kids.push(noteLine("wish_confirm_note", w.confirm_note));
      if (w.state === "withdrawn") kids.push(noteLine("wish_withdraw_reason", w.withdraw_reason));
      if (page === "public" && progress(w.state) >= 0) kids.push(tracker(w.state));
      var acts = actionsFor(page, w, cfg.today);
      if (acts.length) kids.push(actions(w, acts));
      return h("li", { className: "qx-item wi-item", dataset: { wish: w.id, state: w.state } }, kids);
    }

    // The resident's view of where their wish stands: four steps, those done filled in.
    function tracker(state) {
      var at = progress(state);
      return h("ol", { className: "wi-track" }, STEPS.map(function (step, i) {
        return h("li", { className: i <= at ? "wi-done" : "", text: t("wish_step_" + step) });
      }));
    }

    // A step's button; those that need words open a small form under the wish first.
    function actions(w, acts) {
      var msg = h("p", { className: "qx-msg", attrs: { role: "status" } });
      var slot = h("div", { className: "wi-step" });
      var row = h("div", { className: "qx-actions" }, acts.map(function (name) {
        var quiet = name === "withdraw" || name === "release";
        return h("button", {
          type: "button", className: "qx-btn" + (quiet ? " qx-quiet" : ""), dataset: { step: name },
          text: t("wish_" + name),
          onclick: function () { name === "claim" ? send(w, "claim", {}, msg) : openForm(w, name, slot, msg); }
        });
      }));
      return h("div", { className: "wi-actions" }, [row, slot, msg]);
    }

    function openForm(w, name, slot, msg) {
      ctx.dom.clear(slot);
      var hint = { confirm: "wish_confirm_hint", withdraw: "wish_withdraw_hint", release: "wish_release_hint", fulfil: "wish_fulfil_hint" }[name];
      var text = h("textarea", { name: "note", rows: 2, maxLength: 500, placeholder: t(hint) });
      var photo = name === "fulfil" ? h("input", { type: "file", name: "photos", accept: "image/*", multiple: true }) : null;
      var form = h("form", { className: "qx-form wi-step-form", dataset: { form: name } }, [
        h("label", { text: t(hint) }, [text]),
        photo ? h("label", { text: t("wish_fulfil_photo") }, [photo]) : null,
        h("div", { className: "qx-actions" }, [
          h("button", { type: "submit", className: "qx-btn", text: t("wish_send") }),
          h("button", { type: "button", className: "qx-btn qx-quiet", text: t("qxy_cancel"), onclick: function () { ctx.dom.clear(slot); } })
        ])
      ]);
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var key = name === "withdraw" || name === "release" ? "reason" : "note";
        var body = {};
        body[key] = text.value;
        if (!photo) { send(w, name, body, msg); return; }
        if (!photo.files || !photo.files.length) { say(msg, t("wish_need_photo")); return; }
        readPhotos(photo, cfg).then(function (photos) {
          if (bodySize(photos) > cfg.max_body) { say(msg, t("wish_too_big")); return; }
          body.photos = photos;
          send(w, name, body, msg);
        });
      });
      slot.appendChild(form);
      text.focus();
    }

    function send(w, name, body, msg) {
      body.version = w.version;
      Array.prototype.forEach.call(pane.querySelectorAll('[data-wish="' + w.id + '"] button'), function (b) { b.disabled = true; });
      return ctx.http.post("/api/qxy/wishes/" + w.id + "/" + name, body).then(function (done) {
        if (name === "claim") {
          var board = pane.querySelector("[data-board-msg]");
          say(board, t("wish_claimed_ok", { date: done.due }), true);
          clearTimeout(msgTimer);
          msgTimer = setTimeout(function () { say(board, ""); }, 8000);
        }
        return refresh();
      }, function (err) {
        say(msg, err.error === "taken" ? t("wish_taken") : errText(err));
        Array.prototype.forEach.call(pane.querySelectorAll('[data-wish="' + w.id + '"] button'), function (b) { b.disabled = false; });
        if (err.status === 409) setTimeout(refresh, 1200);
      });
    }

    function fill(list, items, emptyKey) {
      ctx.dom.clear(list);
      if (!items.length) list.appendChild(h("li", { className: "qx-empty", text: t(emptyKey) }));
      items.forEach(function (w) { list.appendChild(item(w)); });
    }

    function setN(name, n) {
      Array.prototype.forEach.call(pane.querySelectorAll('[data-n="' + name + '"]'), function (el) { el.textContent = n ? String(n) : ""; });
    }

    function render() {
      if (page === "community") {
        var by = counts(wishes);
        cfg.states.forEach(function (s) { setN(s, by[s] || 0); });
        var shown = filter ? wishes.filter(function (w) { return w.state === filter; }) : wishes;
        fill(pane.querySelector("#wi-community-list"), shown, "wish_none");
        ctx.count((by.fulfilled || 0) + (by.open || 0));
      } else if (page === "unit") {
        var parts = split(wishes);
        setN("open", parts.open.length);
        setN("mine", parts.mine.length);
        fill(pane.querySelector("#wi-open-list"), parts.open, "wish_none_open");
        fill(pane.querySelector("#wi-mine-list"), parts.mine, "wish_none_mine");
        ctx.count(parts.open.length);
      } else {
        fill(pane.querySelector("#wi-public-list"), wishes, "wish_none");
      }
    }

    function startPublish() {
      var form = pane.querySelector("#wi-publish");
      if (!form) return;
      var category = form.elements.category, cell = form.elements.cell_code;
      Object.keys(cfg.categories).forEach(function (code) {
        category.appendChild(h("option", { value: code, text: cfg.categories[code] }));
      });
      (cfg.cells || []).forEach(function (code) {
        cell.appendChild(h("option", { value: code, text: t("wish_cell_n", { n: cellNumber(code) }) }));
      });
      form.elements.due.min = cfg.today;
      form.elements.due.value = cfg.today;
      var label = form.elements.photos.parentNode;
      label.firstChild.textContent = t("wish_photos", { n: cfg.max_photos });
      var msg = form.querySelector("[data-msg]");
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var button = form.querySelector('button[type="submit"]');
        button.disabled = true;
        say(msg, "");
        readPhotos(form.elements.photos, cfg).then(function (photos) {
          if (bodySize(photos) > cfg.max_body) throw { message: t("wish_too_big") };
          var el = form.elements;
          return ctx.http.post("/api/qxy/wishes", {
            title: el.title.value, text: el.text.value, category: el.category.value,
            cell_code: el.cell_code.value, resident_name: el.resident_name.value,
            resident_phone: el.resident_phone.value, due: el.due.value, photos: photos
          });
        }).then(function (wish) {
          say(msg, t("wish_published", { title: wish.title }), true);
          ["title", "text", "resident_name", "resident_phone", "photos"].forEach(function (n) { form.elements[n].value = ""; });
          return refresh();
        }, function (err) { say(msg, errText(err)); })
          .finally(function () { button.disabled = false; });
      });
    }

    function startFilters() {
      Array.prototype.forEach.call(pane.querySelectorAll(".wi-filter"), function (b) {
        b.addEventListener("click", function () {
          filter = b.dataset.state;
          Array.prototype.forEach.call(pane.querySelectorAll(".wi-filter"), function (o) { o.setAttribute("aria-pressed", String(o === b)); });
          render();
        });
      });
    }

    return {
      start: function (p, c) {
        pane = p; ctx = c; cfg = c.config || {}; h = c.dom.h; page = cfg.page || "public";
        var board = pane.querySelector(".wi-board");
        if (board) board.insertBefore(h("p", { className: "qx-msg", dataset: { boardMsg: "1" }, attrs: { role: "status" } }), board.firstChild.nextSibling);
        startPublish();
        startFilters();
        refresh();
      },
      onEvent: function (event) { if (concerns(event)) refresh(); },
      refresh: function () { return refresh(); },
      shown: function () { return refresh(); }
    };
  }

  return {
    stateClass: stateClass, dueInfo: dueInfo, actionsFor: actionsFor, split: split,
    counts: counts, progress: progress, concerns: concerns, cellNumber: cellNumber,
    bodySize: bodySize, section: section
  };
});
