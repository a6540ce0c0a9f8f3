/* gridcc rates: how every rate is shown in the browser, as dashboard/rates.py shows it on
 * the server. A KPI's result from the server ({value, n, d, tenths, meets}: /api/kpis) is
 * shown from its `tenths` (n/d in tenths of a percent, rounded toward worse with integers on
 * the server) and toned from its `meets` (decided on the exact fraction): never from a float.
 * A plain fraction, where no n/d exists, is shown the same way: one decimal, floored when
 * higher is better, ceiled when lower is better (510/537 = 94.97% shows as 94.9%, never as a
 * 95.0% beside a 95% target it misses). Pure; tested with node against the examples the
 * Python side passes too (tests/js/fixtures/rates.json).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.rates = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var NOISE = 1e-7; // float noise in value * 1000, far below 1/d for any real denominator

  function isResult(rate) { return rate !== null && typeof rate === "object"; }

  // Tenths of a percent as "94.9%" (integers only); "—" when unknown.
  function fromTenths(tenths) {
    if (tenths === null || tenths === undefined) return "—";
    var t = Math.abs(Math.trunc(tenths));
    return (tenths < 0 ? "-" : "") + Math.floor(t / 10) + "." + (t % 10) + "%";
  }

  // What percent shows, in tenths of a percent (null: unknown).
  function tenthsOf(rate, higherIsBetter) {
    if (isResult(rate)) return rate.tenths === undefined ? null : rate.tenths;
    if (rate === null || rate === undefined) return null;
    var tenths = rate * 1000;
    return higherIsBetter === false ? Math.ceil(tenths - NOISE) : Math.floor(tenths + NOISE);
  }

  // rate: a KPI's result ({tenths, …}) or a fraction 0..1, or null (unknown: "—").
  function percent(rate, higherIsBetter) { return fromTenths(tenthsOf(rate, higherIsBetter)); }

  // "meets" or "misses" the target (the CSS class that colours it); "" without one. A KPI's
  // result says itself (its `meets`).
  function tone(rate, target, higherIsBetter) {
    var meets = null;
    if (isResult(rate)) meets = rate.meets === undefined ? null : rate.meets;
    else if (rate !== null && rate !== undefined && target !== null && target !== undefined) {
      meets = higherIsBetter === false ? rate <= target : rate >= target;
    }
    if (meets === null) return "";
    return meets ? "meets" : "misses";
  }

  return { percent: percent, tone: tone, fromTenths: fromTenths, tenthsOf: tenthsOf };
});
