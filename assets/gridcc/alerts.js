/* gridcc alert list: the open cases overdue or at risk, worst first, with how long each is
 * past its deadline or how long it has left. The state knows each case's risk instants
 * (state.alerting), so the list moves with the clock as well as with events.
 *
 * Worst first (`order`, pure, tested with node): the higher risk level first (overdue before
 * at risk); within a level the earlier deadline first, which is the longest past it among
 * the overdue and the nearest among the rest; then urgent before normal; then case id.
 * At most `cap` rows are shown, and no more than the panel has room for, then "+N more".
 * Rows are kept by case id: a redraw changes only the text that changed and moves only the
 * rows whose place changed.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.alerts = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var NORMAL = "normal";

  function deadlineOf(e) { return e.deadline === null || e.deadline === undefined ? Infinity : e.deadline; }

  // entries: [{id, level, deadline, priority, ...}] -> a new array, worst first.
  function order(entries) {
    return entries.slice().sort(function (a, b) {
      return (b.level - a.level)
        || (deadlineOf(a) - deadlineOf(b))
        || ((a.priority === NORMAL) - (b.priority === NORMAL))
        || (a.id - b.id);
    });
  }

  // The worst `cap` entries and how many more there are.
  function page(entries, cap) {
    var ranked = order(entries);
    return { shown: ranked.slice(0, cap), more: Math.max(0, ranked.length - cap), total: ranked.length };
  }

  // What a row says about its deadline at nowS: {overdue, seconds} (seconds past or left).
  function due(entry, nowS) {
    var d = deadlineOf(entry);
    return nowS >= d ? { overdue: true, seconds: nowS - d } : { overdue: false, seconds: d - nowS };
  }

  function span(parent, cls) {
    var node = document.createElement("span");
    node.className = cls;
    parent.appendChild(node);
    return node;
  }

  function setText(node, value) {
    value = value === null || value === undefined ? "" : String(value);
    if (node.textContent !== value) node.textContent = value; // never innerHTML
  }

  // ids: {list, more, count}; cap: rows shown; describe(entry) -> {category, place,
  // department, priority (badge text or ""), word, color} (word, color: of its risk level,
  // the row's title and its bar);
  // clock: when.Clock (spans in words); words: cfg.labels.
  function AlertList(ids, cap, describe, clock, words) {
    this.ids = ids;
    this.cap = cap;
    this.describe = describe;
    this.clock = clock;
    this.words = words;
    this.nodes = {}; // case id -> <li>
    this.queued = false;
    this.read = null;
  }

  // read() -> {entries, nowS}, asked when the frame is drawn: many events, one redraw.
  AlertList.prototype.queue = function (read) {
    this.read = read || this.read;
    if (this.queued || !this.read) return;
    this.queued = true;
    var self = this;
    window.requestAnimationFrame(function () {
      self.queued = false;
      var now = self.read();
      self.show(now.entries, now.nowS);
    });
  };

  AlertList.prototype.row = function (id) {
    var li = document.createElement("li");
    li.className = "alert-row";
    li.setAttribute("data-case", id);
    var top = document.createElement("div");
    top.className = "alert-line";
    li.parts = {
      category: span(top, "alert-cat"),
      priority: span(top, "badge-priority"),
      time: span(top, "alert-time")
    };
    var sub = document.createElement("div");
    sub.className = "alert-line alert-sub";
    li.parts.place = span(sub, "alert-place");
    li.parts.department = span(sub, "alert-dept");
    li.appendChild(top);
    li.appendChild(sub);
    return li;
  };

  AlertList.prototype.fill = function (li, entry, nowS) {
    var d = this.describe(entry), when = due(entry, nowS), p = li.parts, w = this.words;
    var t = this.clock.span(when.seconds);
    li.title = d.word;
    setText(p.category, d.category);
    setText(p.priority, d.priority);
    p.priority.hidden = !d.priority;
    setText(p.time, (when.overdue ? w.overdue_by : w.time_left).replace("{t}", t));
    setText(p.place, d.place);
    setText(p.department, d.department);
    li.setAttribute("data-level", entry.level);
    li.classList.toggle("overdue", when.overdue);
    if (li.style.getPropertyValue("--risk") !== d.color) li.style.setProperty("--risk", d.color);
  };

  // Show the worst `cap` entries, fewer when the panel has no room for them all (a row is
  // never cut in half): the rest are counted in "+N more".
  AlertList.prototype.show = function (entries, nowS) {
    var list = document.getElementById(this.ids.list), nodes = this.nodes, self = this;
    if (!list) return;
    var view = page(entries, this.cap), keep = {};
    view.shown.forEach(function (e) { keep[e.id] = true; });
    Object.keys(nodes).forEach(function (id) {
      if (!keep[id]) { nodes[id].remove(); delete nodes[id]; }
    });
    var empty = list.querySelector(".alerts-empty");
    if (empty && view.shown.length) empty.remove();
    view.shown.forEach(function (e, i) {
      var li = nodes[e.id] || (nodes[e.id] = self.row(e.id));
      self.fill(li, e, nowS);
      var at = list.children[i] || null;
      if (at !== li) list.insertBefore(li, at);
    });
    if (!view.shown.length && !empty) {
      var none = document.createElement("li");
      none.className = "alerts-empty";
      none.textContent = this.words.alerts_none;
      list.appendChild(none);
    }
    var shown = view.shown.slice(), more = view.more;
    // Twice at most: showing "+N more" takes room that may push one more row out.
    for (var pass = 0; pass < 2; pass++) {
      this.showMore(more);
      var bottom = list.getBoundingClientRect().bottom;
      while (shown.length && nodes[shown[shown.length - 1].id].getBoundingClientRect().bottom > bottom + 0.5) {
        var last = shown.pop();
        nodes[last.id].remove();
        delete nodes[last.id];
        more += 1;
      }
    }
    this.showMore(more);
    list.setAttribute("data-shown", shown.length);
    var count = document.getElementById(this.ids.count);
    if (count) {
      setText(count, view.total);
      count.classList.toggle("none", view.total === 0);
    }
  };

  AlertList.prototype.showMore = function (more) {
    var node = document.getElementById(this.ids.more);
    if (!node) return;
    node.hidden = more === 0;
    setText(node, more ? this.words.alerts_more.replace("{n}", more) : "");
  };

  return { order: order, page: page, due: due, AlertList: AlertList };
});
