/* gridcc live: a desk's link to the server's events.
 *
 * A desk shows pages the server reads for it (lists, a case), so it does not rebuild state
 * from events as the wall does: an event about a case it shows, or any event at all after
 * the socket was away (it may have missed some), makes it ask again. Asking is debounced,
 * one request in flight per view, so a burst of events costs one re-read. A heartbeat asks
 * /api/seq: a head that moved without an event reaching us means the socket is silently
 * broken, and the views re-read.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.live = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Calls `run` at most once per `waitMs`, never twice at once; a call while it runs is
  // remembered and run after (so the last change is always read). `run` returns a promise.
  function Debounce(run, waitMs, timers) {
    this.run = run;
    this.waitMs = waitMs;
    // Called as this.timers.set(...): a browser's setTimeout called on another object throws
    // "Illegal invocation", so the defaults are wrapped.
    this.timers = timers || {
      set: function (fn, ms) { return setTimeout(fn, ms); },
      clear: function (id) { clearTimeout(id); }
    };
    this.timer = null;
    this.running = false;
    this.again = false;
  }
  Debounce.prototype.poke = function () {
    var self = this;
    if (this.running) { this.again = true; return; }
    if (this.timer !== null) return;
    this.timer = this.timers.set(function () {
      self.timer = null;
      self.running = true;
      Promise.resolve().then(self.run).catch(function () {}).then(function () {
        self.running = false;
        if (self.again) { self.again = false; self.poke(); }
      });
    }, this.waitMs);
  };

  // Whether an event (the hub's payload) is about one of `caseIds`, or could change a list
  // filtered by `cells` (null: any cell).
  function touches(ev, caseIds, cells) {
    if (caseIds && caseIds.indexOf(ev.case_id) >= 0) return true;
    if (!cells) return true;
    return cells.indexOf(ev.cell) >= 0;
  }

  // socketFactory: () => a socket.io client; onEvent(ev), onReconnect(), onState(text)
  function Link(socketFactory, opts) {
    var self = this;
    this.opts = opts;
    this.seq = 0;
    this.connectedOnce = false;
    var socket = this.socket = socketFactory();
    socket.on("connect", function () {
      opts.onState && opts.onState("live");
      if (self.connectedOnce) opts.onReconnect && opts.onReconnect();
      self.connectedOnce = true;
    });
    socket.on("disconnect", function () { opts.onState && opts.onState("away"); });
    // One frame holds the events published together, in log order.
    socket.on("case_events", function (batch) {
      (batch || []).forEach(function (ev) {
        if (ev && ev.seq > self.seq) self.seq = ev.seq;
        opts.onEvent && opts.onEvent(ev);
      });
    });
  }
  // The head the server reports; ahead of what we saw: we missed something.
  Link.prototype.heard = function (head) {
    if (head > this.seq) {
      var missed = this.seq !== 0;
      this.seq = head;
      if (missed && this.opts.onReconnect) this.opts.onReconnect();
    }
  };
  Link.prototype.emit = function (name, payload, ack) { this.socket.emit(name, payload, ack); };
  Link.prototype.close = function () { this.socket.close(); };

  return { Debounce: Debounce, touches: touches, Link: Link };
});
