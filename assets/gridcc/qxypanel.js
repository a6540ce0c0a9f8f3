/* gridcc qxy panel: 泉心愿 on the wall — the panel of the platform's counts under the ticker
 * and the map mode 泉心愿 (what waits in each cell: open wishes + calls filling up + open
 * problems, in bins). Settings, words and colours come from the page's config (cfg.qxy,
 * cfg.map.modes.qxy: dashboard/qxy_wall.py); the numbers from GET cfg.qxy.panelUrl and
 * cellsUrl, read again (debounced) after each platform event the wall's socket hears
 * ("qxy_event", the center's room), after a reconnect, and every refreshMs (calls end with
 * the clock too). Text goes in as text only.
 *
 * Pure parts (binOf, binLevel, Cells, panelView) are tested with node (tests/js/qxypanel.test.js).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.qxypanel = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // The bin of `n` items: 0 for none, then i + 1 for n ≥ bins[i] (bins ascending).
  function binOf(n, bins) {
    var b = 0;
    for (var i = 0; i < bins.length; i++) if (n >= bins[i]) b = i + 1;
    return b;
  }

  // A level's bins from per-cell item counts: a community or street adds its cells up.
  function binLevel(perCell, ofCell, count, bins) {
    var sums = perCell;
    if (ofCell) {
      sums = new Array(count).fill(0);
      for (var i = 0; i < perCell.length; i++) sums[ofCell[i]] += perCell[i];
    }
    return sums.map(function (n) { return binOf(n, bins); });
  }

  // The items waiting per cell, from the server's answer {fields, cells: {code: [w, c, p]}}.
  function Cells() { this.totals = {}; this.key = ""; }

  // Returns whether anything changed.
  Cells.prototype.load = function (body) {
    var totals = {}, cells = (body && body.cells) || {};
    Object.keys(cells).forEach(function (code) {
      var n = cells[code].reduce(function (a, b) { return a + b; }, 0);
      if (n) totals[code] = n;
    });
    var key = Object.keys(totals).sort().map(function (c) { return c + ":" + totals[c]; }).join(",");
    var changed = key !== this.key;
    this.totals = totals;
    this.key = key;
    return changed;
  };

  Cells.prototype.values = function (codes) {
    var totals = this.totals;
    return codes.map(function (c) { return totals[c] || 0; });
  };

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function num(n) { return (n || 0).toLocaleString("en-US"); }

  // What the panel shows, from GET panelUrl's answer and the page's words (labels).
  function panelView(body, words) {
    var m = body.month || {}, all = body.all || {};
    return {
      figures: {
        wishes: { value: num(m.wishes_fulfilled),
          sub: words.qxc_open + " " + num(m.wishes_open) + " · " + fill(words.qxc_total_all, { n: num(all.wishes_fulfilled) }) },
        problems: { value: num(m.problems_solved),
          sub: words.qxc_unsolved + " " + num(m.problems_open) + " · " + fill(words.qxc_total_all, { n: num(all.problems_solved) }) },
        teams: { value: num(m.teams), sub: words.qxc_volunteers + " " + num(m.volunteers) },
        units: { value: num(m.units), sub: words.qxc_resources + " " + num(m.resources) }
      },
      callsCount: num(m.calls_filling),
      calls: (body.filling || []).map(function (c) {
        return {
          id: c.id, task: c.task, community: c.community,
          share: c.wanted ? Math.min(1, c.signed / c.wanted) : 0,
          count: fill(words.qxc_n_of_m, { n: c.signed, m: c.wanted }),
          reported: c.reported ? fill(words.qxc_reported, { r: c.reported }) : ""
        };
      }),
      more: body.filling_more ? fill(words.qxc_more_calls, { n: body.filling_more }) : "",
      empty: (body.filling || []).length ? "" : words.qxc_no_calls
    };
  }

  // ---- in the browser ------------------------------------------------------------------
  function el(doc, tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function Panel(node, words) {
    this.node = node;
    this.words = words;
    this.reads = 0; // answers drawn (the browser tests read it)
    this.last = null;
  }

  Panel.prototype.draw = function (body) {
    var node = this.node, doc = node.ownerDocument, view = panelView(body, this.words);
    this.reads += 1;
    this.last = body;
    Object.keys(view.figures).forEach(function (key) {
      var fig = node.querySelector('[data-fig="' + key + '"]');
      if (!fig) return;
      fig.querySelector(".qxy-fig-value").textContent = view.figures[key].value;
      fig.querySelector(".qxy-fig-sub").textContent = view.figures[key].sub;
    });
    var count = node.querySelector(".qxy-calls-count");
    if (count) count.textContent = view.callsCount;
    var list = node.querySelector(".qxy-calls");
    if (!list) return;
    list.textContent = "";
    view.calls.forEach(function (c) {
      var li = el(doc, "li", "qxy-call");
      li.setAttribute("data-call", String(c.id));
      var head = el(doc, "div", "qxy-call-head");
      head.appendChild(el(doc, "span", "qxy-call-task", c.task));
      head.appendChild(el(doc, "span", "qxy-call-meta", c.community + (c.reported ? " · " + c.reported : "")));
      head.appendChild(el(doc, "span", "qxy-call-count", c.count));
      li.appendChild(head);
      var bar = el(doc, "div", "qxy-call-bar");
      var filled = el(doc, "div", "qxy-call-fill");
      filled.style.width = (100 * c.share).toFixed(1) + "%";
      bar.appendChild(filled);
      li.appendChild(bar);
      list.appendChild(li);
    });
    if (view.empty || view.more) list.appendChild(el(doc, "li", "qxy-call-note", view.empty || view.more));
  };

  // Wire the panel and the map mode on the wall: cfg the page's config (cfg.qxy null: this
  // screen may not see them), wallMap its map.js WallMap, socket its socket.io client,
  // onCells() when the map's values changed.
  function wire(cfg, wallMap, socket, onCells) {
    var q = cfg.qxy;
    if (!q) return null;
    var win = typeof window !== "undefined" ? window : globalThis, doc = win.document;
    var node = doc.getElementById(q.panel);
    var out = { mode: q.mode, cells: new Cells(), panel: node ? new Panel(node, cfg.labels) : null,
      events: 0, timer: null };

    function get(url) {
      return win.fetch(url, { cache: "no-store", credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(url + " " + r.status);
        return r.json();
      });
    }

    out.refresh = function () {
      var panel = out.panel ? get(q.panelUrl).then(function (body) { out.panel.draw(body); }) : null;
      var cells = get(q.cellsUrl).then(function (body) {
        if (out.cells.load(body) && onCells) onCells();
      });
      return Promise.all([panel, cells]).catch(function () { /* read again on the next event or tick */ });
    };

    out.later = function () {
      if (out.timer !== null) return;
      out.timer = win.setTimeout(function () { out.timer = null; out.refresh(); }, q.debounceMs);
    };

    if (socket) {
      socket.on(q.event, function () { out.events += 1; out.later(); });
      socket.on("connect", function () { out.later(); });
    }
    out.refresh();
    win.setInterval(out.refresh, q.refreshMs);
    return out;
  }

  return { binOf: binOf, binLevel: binLevel, Cells: Cells, panelView: panelView, Panel: Panel, wire: wire };
});
