/* bench/map.py's page harness: one synthetic event stream fed to a map view, timed in the page.
 *
 * A view (plotly.js or maplibre.js) implements load(cfg, values) -> Promise (first map
 * painted), changed(cell) (values[cell] changed; paint when you can) and painted() (the value
 * per cell the engine shows now). It brackets every paint with bench.paintBegin() and
 * bench.paintEnd(token, bytes). An event's arrival is its scheduled time on the stream's clock
 * (as a socket message would arrive while the page is busy), so a blocked main thread counts
 * against the view, not the feed.
 */
(function () {
  "use strict";
  var B = window.bench = {
    cfg: null, view: null, values: null,
    appliedSeq: 0, paintedSeq: 0, scheduled: [], paintedAt: [], paints: [], waiters: [],
  };

  function now() { return performance.now(); }
  function nextFrame() { return new Promise(function (r) { requestAnimationFrame(function () { r(); }); }); }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function pct(sorted, p) {
    if (!sorted.length) return null;
    return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
  }
  function median(xs) { return pct(xs.slice().sort(function (a, b) { return a - b; }), 50); }

  B.apply = function (seq) {
    var ev = B.cfg.events[seq - 1];
    B.values[ev[0]] += ev[1];
    B.appliedSeq = seq;
    B.view.changed(ev[0]);
  };

  B.paintBegin = function () { return { start: now(), upTo: B.appliedSeq, end: 0, bytes: 0 }; };

  // The engine says it is done: painted once the next frame starts.
  B.paintEnd = function (token, bytes) {
    return nextFrame().then(function () {
      token.end = now();
      token.bytes = bytes;
      B.paints.push(token);
      for (var s = B.paintedSeq + 1; s <= token.upTo; s++) B.paintedAt[s] = token.end;
      if (token.upTo > B.paintedSeq) B.paintedSeq = token.upTo;
      B.waiters = B.waiters.filter(function (w) {
        if (B.paintedSeq < w.seq) return true;
        w.resolve(true);
        return false;
      });
    });
  };

  B.waitPainted = function (seq, timeoutMs) {
    if (B.paintedSeq >= seq) return Promise.resolve(true);
    return new Promise(function (resolve) {
      B.waiters.push({ seq: seq, resolve: resolve });
      setTimeout(function () { resolve(false); }, timeoutMs);
    });
  };

  // A few cells changed at once, the map idle before: time to paint, per trial.
  B.recolours = async function (trials, perTrial) {
    var times = [], bytes = [];
    for (var t = 0; t < trials; t++) {
      await sleep(150);
      var t0 = now(), n0 = B.paints.length;
      for (var j = 0; j < perTrial; j++) B.apply(B.appliedSeq + 1);
      var ok = await B.waitPainted(B.appliedSeq, 60000);
      if (!ok) return { times: times, bytes: bytes, timedOut: true };
      times.push(B.paintedAt[B.appliedSeq] - t0);
      var sent = 0;
      for (var p = n0; p < B.paints.length; p++) sent += B.paints[p].bytes;
      bytes.push(sent);
    }
    return { times: times, bytes: bytes, timedOut: false };
  };

  // `rate` events a second for `seconds`, every one applied; when each was painted.
  B.stream = async function (rate, seconds) {
    var first = B.appliedSeq + 1, count = Math.round(rate * seconds), last = first + count - 1;
    var t0 = now() + 20, tEnd = t0 + seconds * 1000, n0 = B.paints.length;
    for (var i = 0; i < count; i++) B.scheduled[first + i] = t0 + i * 1000 / rate;
    await new Promise(function (done) {
      var timer = setInterval(function () {
        var t = now();
        while (B.appliedSeq < last && B.scheduled[B.appliedSeq + 1] <= t) B.apply(B.appliedSeq + 1);
        if (B.appliedSeq >= last) { clearInterval(timer); done(); }
      }, 4);
    });
    var ok = await B.waitPainted(last, Math.max(30000, seconds * 10000));
    var lat = [], inWindow = 0, bytes = 0, phasePaints = B.paints.slice(n0);
    for (var s = first; s <= last; s++) if (B.paintedAt[s]) lat.push(B.paintedAt[s] - B.scheduled[s]);
    lat.sort(function (a, b) { return a - b; });
    phasePaints.forEach(function (p) { if (p.end <= tEnd) inWindow += 1; bytes += p.bytes; });
    return {
      rate: rate, seconds: seconds, events: count, painted: lat.length, allPainted: ok,
      paintsPerSecond: inWindow / seconds, paints: phasePaints.length,
      p50: pct(lat, 50), p95: pct(lat, 95), max: lat[lat.length - 1],
      bytesPerPaint: phasePaints.length ? bytes / phasePaints.length : 0,
    };
  };

  B.run = async function (plan) {
    var out = { load: B.loaded };
    var warm = await B.recolours(plan.warmup, plan.perTrial);
    var single = await B.recolours(plan.trials, plan.perTrial);
    out.recolour = {
      medianMs: median(single.times), times: single.times, bytes: median(single.bytes),
      timedOut: warm.timedOut || single.timedOut,
    };
    out.streams = [];
    for (var i = 0; i < plan.rates.length; i++) out.streams.push(await B.stream(plan.rates[i], plan.seconds));
    out.applied = B.appliedSeq;
    out.paintedSeq = B.paintedSeq;
    out.painted = Array.from(B.view.painted());
    return out;
  };

  // Load the stream, then the view; the figures of the page load are taken at first paint.
  B.start = async function (view) {
    try {
      var params = new URLSearchParams(location.search);
      var cfg = await (await fetch(params.get("stream"))).json();
      B.cfg = cfg;
      B.view = view;
      B.values = Int32Array.from(cfg.initial);
      await view.load(cfg, B.values, params);
      await nextFrame();
      var loadMs = now();
      var res = performance.getEntriesByType("resource"), nav = performance.getEntriesByType("navigation")[0];
      var bytes = nav ? nav.decodedBodySize : 0;
      res.forEach(function (r) { bytes += r.decodedBodySize; });
      B.loaded = { firstMapMs: loadMs, bytes: bytes, resources: res.length };
      window.benchReady = B.loaded;
    } catch (err) {
      window.benchReady = { error: String(err && err.stack || err) };
    }
  };
})();
