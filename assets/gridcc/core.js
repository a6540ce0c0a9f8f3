/* gridcc browser core: event ordering and catch-up, no DOM.
 *
 * Extracted from assets/live.js as it stands, decision for decision, so that node tests can
 * drive it with recorded event logs. It talks to the world only through `out`:
 *   out.apply(ev)                      apply one event, in order
 *   out.load(snapshot)                 start again from a snapshot
 *   out.fetchEvents(since, ticket)     GET /api/events?since=…, answered by eventsPage/eventsFailed
 *   out.fetchSnapshot(ticket)          GET /api/snapshot, answered by snapshotReply/snapshotFailed
 *   out.fetchSeq(ticket)               GET /api/seq, answered by seqReply
 *   out.later(fn, ms)                  a timer
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.core = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var RESYNC_GAP = 20000; // more missing events than this: reload the snapshot instead
  var RETRY_MS = 2000;

  function Sequencer(out, stats) {
    stats = stats || {};
    ["applied", "duplicates", "buffered", "catchUps", "resyncs"].forEach(function (k) {
      stats[k] = stats[k] || 0;
    });
    stats.lastSeq = 0;
    var lastSeq = 0;
    var pending = {};          // seq -> event, waiting for the events before it
    var fetching = false, refetch = false;
    var resyncing = false;

    function setLast(seq) { lastSeq = seq; stats.lastSeq = seq; }

    function loadSnapshot(snap) {
      setLast(snap.seq);
      pending = {};
      out.load(snap);
    }

    function resync() {
      if (resyncing) return;
      resyncing = true;
      stats.resyncs += 1;
      out.fetchSnapshot({});
    }

    function snapshotReply(ticket, snap) {
      resyncing = false;
      loadSnapshot(snap);
      catchUp();
    }

    function snapshotFailed() { resyncing = false; }

    function receive(ev) {
      if (ev.seq <= lastSeq || pending[ev.seq]) { stats.duplicates += 1; return; }
      if (ev.seq !== lastSeq + 1) {
        pending[ev.seq] = ev;
        stats.buffered += 1;
        catchUp();
        return;
      }
      apply(ev);
      drain();
    }

    function drain() {
      while (pending[lastSeq + 1]) {
        var next = pending[lastSeq + 1];
        delete pending[lastSeq + 1];
        apply(next);
      }
    }

    function apply(ev) {
      setLast(ev.seq);
      stats.applied += 1;
      out.apply(ev);
    }

    // Ask the server for everything after lastSeq; one request at a time, repeated while
    // there is more or while new gaps appeared meanwhile.
    function catchUp() {
      if (fetching) { refetch = true; return; }
      fetching = true;
      refetch = false;
      stats.catchUps += 1;
      out.fetchEvents(lastSeq, { since: lastSeq });
    }

    function eventsPage(ticket, body) {
      var since = ticket.since;
      body.events.forEach(receive);
      if (body.through < since) { fetching = false; resync(); return; }
      // The server has shown us everything up to `through` that this screen may see:
      // apply what is buffered up to there, in order, and move past what was filtered out.
      if (body.through > lastSeq) {
        Object.keys(pending).map(Number).filter(function (seq) { return seq <= body.through; })
          .sort(function (a, b) { return a - b; })
          .forEach(function (seq) { var ev = pending[seq]; delete pending[seq]; apply(ev); });
        setLast(Math.max(lastSeq, body.through));
        drain();
      }
      fetching = false;
      if (body.more || refetch) catchUp();
    }

    function eventsFailed() {
      fetching = false;
      out.later(catchUp, RETRY_MS);
    }

    function heartbeat() { out.fetchSeq({}); }

    function seqReply(ticket, body) {
      // Behind us: the store was replaced (restored, reset); start again from its snapshot.
      if (body.seq < lastSeq || body.seq - lastSeq > RESYNC_GAP) resync();
      else if (body.seq > lastSeq) catchUp();
    }

    return {
      stats: stats,
      start: loadSnapshot,
      receive: receive,
      connected: catchUp,
      heartbeat: heartbeat,
      resync: resync,
      eventsPage: eventsPage,
      eventsFailed: eventsFailed,
      snapshotReply: snapshotReply,
      snapshotFailed: snapshotFailed,
      seqReply: seqReply,
      lastSeq: function () { return lastSeq; }
    };
  }

  return { Sequencer: Sequencer };
});
