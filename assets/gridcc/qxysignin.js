/* gridcc qxy sign-in: the public's sign-in by phone on /qxy — ask for a one-time code,
 * then verify it (a new person agrees to the platform keeping their phone first). */
(function (root) {
  "use strict";
  var G = root.gridcc;
  G.qxy.register("signin", {
    start: function (pane, ctx) {
      var doc = root.document;
      var msg = doc.getElementById("qx-signin-msg");
      function say(text, good) {
        msg.textContent = text;
        msg.className = "qx-msg " + (good ? "qx-good" : "qx-bad");
      }
      var phone = doc.getElementById("qx-phone");
      var send = doc.getElementById("qx-send-code");
      send.addEventListener("click", function () {
        send.disabled = true;
        ctx.http.post("/api/qxy/public/code", { phone: phone.value }).then(function (r) {
          say(ctx.t("qxy_code_sent", { phone: r.phone }), true);
          setTimeout(function () { send.disabled = false; }, 60000);
        }, function (e) { send.disabled = false; say(e.message); });
      });
      doc.getElementById("qx-signin").addEventListener("submit", function (ev) {
        ev.preventDefault();
        ctx.http.post("/api/qxy/public/verify", {
          phone: phone.value,
          code: doc.getElementById("qx-code").value,
          name: doc.getElementById("qx-name").value,
          consent: doc.getElementById("qx-consent").checked
        }).then(function () { root.location.reload(); }, function (e) { say(e.message); });
      });
    }
  });
})(window);
