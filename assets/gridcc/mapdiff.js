/* gridcc map bookkeeping: values per shape, what changed since the last paint, and the pace
 * of paints (one in flight, changes merged meanwhile, a watchdog). Pure: no DOM, no
 * MapLibre; tested with node (tests/js/mapdiff.test.js).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.mapdiff = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Values per shape of a level from values per cell: open cases add up, risk takes the
  // worst. ofCell[i]: the index of cell i's shape (null: the level is the cells).
  function perLevel(perCell, ofCell, count, worst) {
    if (!ofCell) return perCell.slice();
    var out = new Array(count).fill(0);
    for (var i = 0; i < perCell.length; i++) {
      var j = ofCell[i], v = perCell[i];
      out[j] = worst ? Math.max(out[j], v) : out[j] + v;
    }
    return out;
  }

  // The feature-state updates that bring `last` (code -> value painted) to `values`
  // (aligned with `codes`): only shapes whose value changed. `last` is brought up to date.
  function diff(codes, values, last) {
    var updates = [];
    for (var i = 0; i < codes.length; i++) {
      var code = codes[i], v = values[i];
      if (last[code] !== v) { updates.push([code, v]); last[code] = v; }
    }
    return updates;
  }

  // The codes whose flag changes when the flagged set becomes `next` (a Set or null).
  function flagChanges(before, next) {
    var changes = [];
    before.forEach(function (code) { if (!next || !next.has(code)) changes.push([code, false]); });
    if (next) next.forEach(function (code) { if (!before.has(code)) changes.push([code, true]); });
    return changes;
  }

  // Append to a log, keeping the newest `cap` entries.
  function record(log, entry, cap) {
    log.push(entry);
    if (log.length > cap) log.splice(0, log.length - cap);
  }

  // One paint in flight; changes meanwhile make one more paint after it, never a queue.
  // hooks.draw(done) starts a paint and returns true, or false when there is nothing to
  // draw; hooks.later(fn) runs fn soon (a frame); hooks.reset() forgets what was painted
  // (after a paint that never settled, everything is painted again).
  function Pacer(hooks, watchdogMs, now) {
    this.hooks = hooks;
    this.watchdogMs = watchdogMs;
    this.now = now || Date.now;
    this.dirty = false;
    this.inFlight = false;
    this.queued = false;
    this.started = 0;
    this.token = 0;
  }

  Pacer.prototype.changed = function () { this.dirty = true; this.kick(); };

  Pacer.prototype.kick = function () {
    if (this.inFlight || this.queued) return;
    var self = this;
    this.queued = true;
    this.hooks.later(function () { self.queued = false; self.run(); });
  };

  Pacer.prototype.run = function () {
    if (this.inFlight || !this.dirty) return;
    var self = this, token = ++this.token;
    this.dirty = false;
    this.inFlight = true;
    this.started = this.now();
    var started = this.hooks.draw(function () {
      if (token !== self.token) return; // abandoned by the watchdog
      self.inFlight = false;
      if (self.dirty) self.kick();
    });
    if (!started) this.inFlight = false;
  };

  Pacer.prototype.watchdog = function () {
    if (!this.inFlight || this.now() - this.started <= this.watchdogMs) return false;
    this.token += 1;
    this.inFlight = false;
    this.hooks.reset();
    this.changed();
    return true;
  };

  return { perLevel: perLevel, diff: diff, flagChanges: flagChanges, record: record, Pacer: Pacer };
});
