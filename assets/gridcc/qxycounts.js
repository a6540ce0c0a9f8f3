/* gridcc qxy counts: the community's tab of its own figures (this month and all time),
 * read from GET cfg.url (the server answers for the viewer's own community only) and read
 * again, at most once a second, after each platform event.
 */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};
  var DEBOUNCE_MS = 1000;

  function start(pane, ctx) {
    var cfg = ctx.config, h = ctx.dom.h, body = pane.querySelector("#qxc-rows"), timer = null;

    function rowOf(answer) { return (answer.rows && answer.rows[0] && answer.rows[0].counts) || {}; }

    // The period's figures (this month, all time); then, under their own heading, the
    // figures of the moment (one value each, whatever the period).
    function draw(month, all) {
      ctx.dom.clear(body);
      cfg.shown.forEach(function (entry) {
        var code = entry[0];
        body.appendChild(h("tr", { dataset: { count: code } }, [
          h("th", { text: entry[1], attrs: { scope: "row" } }),
          h("td", { text: String(month[code] || 0) }),
          h("td", { text: String(all[code] || 0) })
        ]));
      });
      body.appendChild(h("tr", { className: "qxc-group" }, [
        h("th", { text: cfg.nowTitle, attrs: { colspan: 3, scope: "rowgroup" } })
      ]));
      (cfg.nowShown || []).forEach(function (entry) {
        var code = entry[0];
        body.appendChild(h("tr", { dataset: { count: code } }, [
          h("th", { text: entry[1], attrs: { scope: "row" } }),
          h("td", { text: String(month[code] || 0), attrs: { colspan: 2 } })
        ]));
      });
    }

    function refresh() {
      return Promise.all([
        ctx.http.get(cfg.url, { period: "month" }),
        ctx.http.get(cfg.url, { period: "all" })
      ]).then(function (both) { draw(rowOf(both[0]), rowOf(both[1])); },
        function () { /* read again on the next event or reconnect */ });
    }

    function later() {
      if (timer !== null) return;
      timer = root.setTimeout(function () { timer = null; refresh(); }, DEBOUNCE_MS);
    }

    refresh();
    return { refresh: refresh, later: later };
  }

  var running = null;
  if (G.qxy) {
    G.qxy.register("counts", {
      start: function (pane, ctx) { running = start(pane, ctx); },
      onEvent: function () { if (running) running.later(); },
      refresh: function () { if (running) running.refresh(); }
    });
  }
})(typeof window !== "undefined" ? window : this);
