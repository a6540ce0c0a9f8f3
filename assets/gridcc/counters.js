/* gridcc counters view: the headline numbers, drawn at most once per frame.
 *
 * ids: counter name -> element id (dashboard/ids.py COUNTERS). A name is one of the state's
 * counters (open, today, closed_today) or a risk level (at_risk, overdue).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.counters = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // read() -> { counters: {name: n}, risk: {level: n} }, asked when the frame is drawn
  function Counters(ids, read) {
    this.ids = ids;
    this.read = read;
    this.queued = false;
  }

  // However many events a catch-up applies, the numbers are drawn once, in the next frame.
  Counters.prototype.queue = function () {
    if (this.queued) return;
    this.queued = true;
    var self = this;
    window.requestAnimationFrame(function () { self.queued = false; self.render(); });
  };

  Counters.prototype.render = function () {
    var now = this.read(), ids = this.ids;
    Object.keys(ids).forEach(function (name) {
      var node = document.getElementById(ids[name]);
      var value = name in now.counters ? now.counters[name] : now.risk[name];
      if (!node || value === undefined) return;
      if (node.textContent !== String(value)) node.textContent = value;
      node.classList.toggle("zero", value === 0); // a risk counter at 0 is no alarm
    });
  };

  return { Counters: Counters };
});
