/* gridcc ticker view: the newest reports, newest on top.
 *
 * The list follows the state's rows by key (seq and case: a store that was replaced reuses
 * seqs for other cases): a row already shown stays as it is (a resync re-adds nothing), a
 * new row is added once, a row gone from the state goes. `plan` is that comparison,
 * without the DOM, so node tests use the same rule.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.ticker = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var FRESH_MS = 4000;

  function key(ev) { return ev.seq + ":" + ev.case_id; }

  // shown: keys on screen; rows: events, newest first. Returns the keys to remove and the
  // events to add, oldest first (so they go on top in the order they happened).
  function plan(shown, rows) {
    var want = {}, have = {};
    rows.forEach(function (ev) { want[key(ev)] = true; });
    shown.forEach(function (k) { have[k] = true; });
    return {
      remove: shown.filter(function (k) { return !want[k]; }),
      add: rows.filter(function (ev) { return !have[key(ev)]; }).reverse()
    };
  }

  function text(tag, cls, value) {
    var node = document.createElement(tag);
    node.className = cls;
    node.textContent = value; // never innerHTML: reports carry user text
    return node;
  }

  // listId: the <ol>'s id; describe(ev) -> { time, category, department, priority } (time:
  // with its date when not today; priority: a badge's text, "" for a normal case);
  // emptyText: no row
  function Ticker(listId, describe, emptyText) {
    this.listId = listId;
    this.describe = describe;
    this.emptyText = emptyText;
    this.nodes = {}; // key -> <li>
  }

  Ticker.prototype.row = function (ev, fresh) {
    var d = this.describe(ev);
    var row = document.createElement("li");
    row.className = "ticker-row" + (fresh ? " fresh" : "");
    row.setAttribute("data-seq", ev.seq);
    row.setAttribute("data-case", ev.case_id);
    row.setAttribute("data-cell", ev.cell);
    var head = document.createElement("div");
    head.className = "ticker-head";
    head.appendChild(text("span", "ticker-time", d.time));
    head.appendChild(text("span", "ticker-cat", d.category));
    if (d.priority) head.appendChild(text("span", "badge-priority", d.priority));
    head.appendChild(text("span", "ticker-dept", d.department));
    row.appendChild(head);
    row.appendChild(text("div", "ticker-place", ev.place));
    row.appendChild(text("div", "ticker-desc", ev.description));
    row.ev = ev;
    if (fresh) setTimeout(function () { row.classList.remove("fresh"); }, FRESH_MS);
    return row;
  };

  // Make the list show `rows`; rows it did not show yet are marked fresh if `fresh`. Each
  // new row goes straight to its place (oldest first), so nothing already shown is touched.
  Ticker.prototype.show = function (rows, fresh) {
    var list = document.getElementById(this.listId), nodes = this.nodes;
    var change = plan(Object.keys(nodes), rows);
    change.remove.forEach(function (k) { nodes[k].remove(); delete nodes[k]; });
    var empty = list.querySelector(".ticker-empty");
    if (empty && rows.length) empty.remove();
    var below = null;
    for (var i = rows.length - 1; i >= 0; i--) {
      var node = nodes[key(rows[i])];
      if (!node) nodes[key(rows[i])] = node = this.row(rows[i], fresh);
      if (node.parentNode !== list || node.nextSibling !== below) list.insertBefore(node, below);
      below = node;
    }
    if (!rows.length && !empty) list.appendChild(text("li", "ticker-empty", this.emptyText));
  };

  // Each row's time again (a new day: yesterday's rows now show their date).
  Ticker.prototype.restamp = function () {
    var nodes = this.nodes, describe = this.describe;
    Object.keys(nodes).forEach(function (k) {
      var node = nodes[k].querySelector(".ticker-time"), time = describe(nodes[k].ev).time;
      if (node.textContent !== time) node.textContent = time;
    });
  };

  return { key: key, plan: plan, Ticker: Ticker };
});
