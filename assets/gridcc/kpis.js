/* gridcc KPI strip: the district's last 30 days (GET /api/kpis?dim=district), each KPI as
 * the server computed it: shown from its `tenths` and toned from its `meets` (rates.js), so
 * the strip never rounds a rate up to a target it misses and never decides "meets" itself. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.kpis = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  function KpiStrip(stripId, district) {
    this.stripId = stripId;
    this.district = district;
  }

  KpiStrip.prototype.show = function (body) {
    var values = (body.kpis && body.kpis[this.district]) || {};
    var R = window.gridcc.rates; // loaded after this file (Dash loads assets by name)
    Array.prototype.forEach.call(document.getElementById(this.stripId).querySelectorAll("[data-kpi]"), function (node) {
      var v = values[node.getAttribute("data-kpi")];
      if (!v) return;
      node.querySelector(".kpi-value").textContent = R.percent(v);
      var tgt = node.querySelector(".kpi-target");
      tgt.textContent = tgt.textContent.replace(/\d+\/\d+$/, v.n + "/" + (v.d || 0));
      var tone = R.tone(v);
      node.classList.toggle("meets", tone === "meets");
      node.classList.toggle("misses", tone === "misses");
    });
  };

  return { KpiStrip: KpiStrip };
});
