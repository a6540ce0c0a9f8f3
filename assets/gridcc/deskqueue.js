/* gridcc deskqueue: the operators' queue, its pure parts (no DOM), tested with node: what a
 * key asks for, which rows a filter keeps, which row stays selected when the queue is read
 * again, and the header's counts. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.deskqueue = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var MOVES = { ArrowDown: "down", j: "down", ArrowUp: "up", k: "up", Enter: "open", "/": "filter",
    "?": "help", Escape: "escape", "[": "dupPrev", "]": "dupNext" };

  // A keydown → {move: name} or {key: binding}, or null (not the desk's). actionKeys: the
  // page config's {key: {action, direct, fill}}; a key with Ctrl, Alt or Meta is the browser's.
  function command(e, actionKeys) {
    if (e.ctrlKey || e.altKey || e.metaKey) return null;
    if (Object.prototype.hasOwnProperty.call(MOVES, e.key)) return { move: MOVES[e.key] };
    if (Object.prototype.hasOwnProperty.call(actionKeys || {}, e.key)) return { key: actionKeys[e.key] };
    return null;
  }

  // What a key fills into its action's form: binding.fill maps a parameter to where its value
  // comes from ("duplicate": the selected duplicate's number; else a field of the queue's
  // row, e.g. suggested_department). {values} or {lacking: the source that has nothing}.
  function keyValues(binding, row, duplicate) {
    var values = {}, lacking = null;
    Object.keys(binding.fill || {}).forEach(function (param) {
      var source = binding.fill[param];
      var value = source === "duplicate" ? (duplicate ? duplicate.id : null) : (row ? row[source] : null);
      if (value === null || value === undefined || value === "") lacking = lacking || source;
      else values[param] = value;
    });
    return lacking ? { lacking: lacking } : { values: values };
  }

  // What a row is searched by: its number, kind, place and state, in the page's words.
  function haystack(row) {
    return [row.id, row.category_name, row.category, row.status_label, row.street_name,
      row.community_name, row.cell_name, row.cell, row.place, row.description, row.department_name]
      .join(" ").toLowerCase();
  }

  // The rows matching every word of `text` (all rows for an empty text).
  function filter(rows, text) {
    var words = String(text || "").toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return rows;
    return rows.filter(function (row) {
      var hay = haystack(row);
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
  }

  // The row to select after the queue was read again: the same case while it is there;
  // once it has left (filed away, dispatched, merged), the oldest waiting, as an operator
  // takes them; nothing in an empty queue.
  function keepSelection(rows, selectedId) {
    if (!rows.length) return null;
    for (var i = 0; i < rows.length; i++) if (rows[i].id === selectedId) return selectedId;
    return rows[0].id;
  }

  // The id `step` rows away from `selectedId` (clamped to the ends).
  function move(rows, selectedId, step) {
    if (!rows.length) return null;
    var at = -1;
    for (var i = 0; i < rows.length; i++) if (rows[i].id === selectedId) at = i;
    if (at < 0) return rows[0].id;
    return rows[Math.max(0, Math.min(rows.length - 1, at + step))].id;
  }

  // The header's counts: how many cases wait in each state (in the queue's order of
  // first appearance), and when the oldest began to wait.
  function counts(rows) {
    var out = { byStatus: [], oldest: null }, at = {};
    rows.forEach(function (row) {
      if (!(row.status in at)) { at[row.status] = out.byStatus.length; out.byStatus.push({ status: row.status, label: row.status_label, n: 0 }); }
      out.byStatus[at[row.status]].n += 1;
      if (out.oldest === null || Date.parse(row.updated_at) < Date.parse(out.oldest)) out.oldest = row.updated_at;
    });
    return out;
  }

  return { command: command, keyValues: keyValues, filter: filter, keepSelection: keepSelection, move: move, counts: counts };
});
