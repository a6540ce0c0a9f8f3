/* gridcc KPI strip: the district's last 30 days (GET /api/kpis?dim=district), each KPI
 * against the target the server wrote into its data-target. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.kpis = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  function percent(value) { return value === null ? "—" : (value * 100).toFixed(1) + "%"; }

  function KpiStrip(stripId, district) {
    this.stripId = stripId;
    this.district = district;
  }

  KpiStrip.prototype.show = function (body) {
    var values = (body.kpis && body.kpis[this.district]) || {};
    Array.prototype.forEach.call(document.getElementById(this.stripId).querySelectorAll("[data-kpi]"), function (node) {
      var v = values[node.getAttribute("data-kpi")];
      if (!v) return;
      var target = Number(node.getAttribute("data-target"));
      node.querySelector(".kpi-value").textContent = percent(v.value);
      var tgt = node.querySelector(".kpi-target");
      tgt.textContent = tgt.textContent.replace(/\d+\/\d+$/, v.n + "/" + (v.d || 0));
      node.classList.toggle("meets", v.value !== null && v.value >= target);
      node.classList.toggle("misses", v.value !== null && v.value < target);
    });
  };

  return { KpiStrip: KpiStrip, percent: percent };
});
