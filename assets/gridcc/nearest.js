/* gridcc nearest: a section of the case view (its extraSections) — the nearest people on
 * patrol to the case (GET cfg.nearestUrl, dashboard/positions_api.py): name, how far, on
 * duty or not, how long ago their position was taken, and their phone only when the server
 * sent one (it does for those who may see phones). cfg.nearestUrl is null for a screen that
 * may not see positions: no section. Text always goes in as text.
 *
 * rows(body, words, nowMs) is pure (tested with node: tests/js/peoplelayer.test.js).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.nearest = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] !== undefined ? String(values[name]) : all;
    });
  }

  function distance(m, words) {
    if (m < 1000) return fill(words.nearest_metres, { m: Math.round(m) });
    return fill(words.nearest_km, { km: (m / 1000).toFixed(1) });
  }

  // What each line shows, from the server's answer.
  function rows(body, words, nowMs) {
    return (body.people || []).map(function (p) {
      return {
        id: p.id,
        name: p.name,
        distance: distance(p.distance_m, words),
        duty: p.on_duty ? words.nearest_on_duty : words.nearest_off_duty,
        onDuty: Boolean(p.on_duty),
        seen: fill(words.nearest_seen, { s: Math.max(0, Math.round((nowMs - p.at) / 1000)) }),
        phone: typeof p.phone === "string" && p.phone ? p.phone : null
      };
    });
  }

  // The section for `sheet`, filled when the server answers (null: not for this screen).
  function section(sheet, cfg, nowMs) {
    if (!cfg.nearestUrl) return null;
    var G = (typeof self !== "undefined" ? self : this).gridcc, h = G.dom.h, w = cfg.labels;
    var body = h("div", { className: "nb-body" }, [h("p", { className: "nb-note", text: w.nearest_loading })]);
    var out = h("section", { className: "cv-section nb" }, [h("h3", { text: w.nearest_title }), body]);
    G.http.get(cfg.nearestUrl.replace("{id}", sheet.id), null, { timeoutMs: 20000 }).then(function (answer) {
      var lines = rows(answer, w, nowMs ? nowMs() : Date.now());
      G.dom.clear(body);
      if (!lines.length) { body.appendChild(h("p", { className: "nb-note", text: w.nearest_none })); return; }
      body.appendChild(h("ol", { className: "nb-list" }, lines.map(function (r) {
        return h("li", { className: "nb-person", dataset: { person: r.id } }, [
          h("span", { className: "nb-name", text: r.name }),
          h("span", { className: "nb-distance", text: r.distance }),
          h("span", { className: "nb-duty" + (r.onDuty ? " on" : ""), text: r.duty }),
          h("span", { className: "nb-seen", text: r.seen }),
          r.phone ? h("a", { className: "nb-phone", href: "tel:" + r.phone, text: r.phone }) : null
        ]);
      })));
    }, function () {
      G.dom.clear(body).appendChild(h("p", { className: "nb-note nb-error", text: w.nearest_failed }));
    });
    return out;
  }

  return { rows: rows, distance: distance, section: section };
});
