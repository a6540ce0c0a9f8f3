/* gridcc rates: how every rate is shown in the browser, as dashboard/rates.py shows it on
 * the server. One decimal, rounded toward worse (floored when higher is better, ceiled when
 * lower is better): 510/537 = 94.97% shows as 94.9%, never as a 95.0% beside a 95% target it
 * misses. Meeting the target is decided on the rate itself. Pure; tested with node against
 * the examples the Python side passes too (tests/js/fixtures/rates.json).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.rates = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var NOISE = 1e-7; // float noise in value * 1000, far below 1/d for any real denominator

  // value: a fraction 0..1, or null (unknown: "—").
  function percent(value, higherIsBetter) {
    if (value === null || value === undefined) return "—";
    var tenths = value * 1000;
    var shown = higherIsBetter === false ? Math.ceil(tenths - NOISE) : Math.floor(tenths + NOISE);
    return (shown / 10).toFixed(1) + "%";
  }

  // "meets" or "misses" the target (the CSS class that colours it); "" without one.
  function tone(value, target, higherIsBetter) {
    if (value === null || value === undefined || target === null || target === undefined) return "";
    var meets = higherIsBetter === false ? value <= target : value >= target;
    return meets ? "meets" : "misses";
  }

  return { percent: percent, tone: tone };
});
