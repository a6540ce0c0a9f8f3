/* gridcc browser core: event ordering and catch-up. No DOM, no timers, no fetch.
 *
 * Every screen applies each event it may see exactly once, in sequence order. The core
 * decides what to apply now, what to buffer, when to ask for the events it missed and when
 * to start again from a snapshot; it talks to the world only through `out`:
 *   out.apply(ev)                   apply one event, in order
 *   out.load(snapshot, replay)      start from a snapshot, then apply `replay` (in order)
 *   out.fetchEvents(since, ticket)  GET /api/events?since=…  → eventsPage / eventsFailed
 *   out.fetchSnapshot(ticket)       GET /api/snapshot        → snapshotReply / snapshotFailed
 *   out.fetchSeq(ticket)            GET /api/seq             → seqReply
 *   out.later(fn, ms)               a timer
 * Each request carries a ticket; an answer is used only while its ticket is current, so an
 * answer to a question asked before a resync never lands on the new snapshot.
 *
 * One rule for every view: an event is a duplicate if seq <= lastSeq; it applies now if the
 * previous event this view may see is applied (prevOf(ev) <= lastSeq); otherwise it waits
 * and the gap is fetched. The district sees every event (previous = seq - 1); a department
 * view follows ev.prev[department], so events it may not see are no gaps.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else { root.gridcc = root.gridcc || {}; root.gridcc.core = factory(); }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var COUNTS = ["applied", "duplicates", "buffered", "catchUps", "resyncs", "replayed"];

  // options: department (null: the district), resyncGap, retryMs, stats (an object to count in)
  function Sequencer(out, options) {
    options = options || {};
    var department = options.department || null;
    var resyncGap = options.resyncGap || 20000;
    var retryMs = options.retryMs || 2000;
    var stats = options.stats || {};
    COUNTS.forEach(function (k) { stats[k] = stats[k] || 0; });
    stats.lastSeq = 0;

    var lastSeq = 0;
    var pending = {};      // seq -> event waiting for the one before it
    var epoch = 0;         // bumped by every resync: tickets of older epochs are stale
    var inflight = null;   // ticket of the catch-up out now
    var again = false;     // fetch again when it is back (more, or new gaps meanwhile)
    var resyncing = null;  // ticket of the snapshot out now
    var journal = null;    // events applied while that snapshot is on its way

    function setLast(seq) { lastSeq = seq; stats.lastSeq = seq; }

    function prevOf(ev) {
      if (!department) return ev.seq - 1;
      var prev = ev.prev && ev.prev[department];
      return typeof prev === "number" ? prev : ev.seq - 1; // no chain: fetch to be sure
    }

    function start(snap) {
      epoch += 1;
      setLast(snap.seq);
      pending = {};
      out.load(snap, []);
    }

    function apply(ev) {
      setLast(ev.seq);
      stats.applied += 1;
      if (journal) journal.push(ev);
      out.apply(ev);
    }

    // true: applied or a duplicate; false: buffered behind a gap
    function accept(ev) {
      if (ev.seq <= lastSeq || pending[ev.seq]) { stats.duplicates += 1; return true; }
      if (prevOf(ev) > lastSeq) { pending[ev.seq] = ev; stats.buffered += 1; return false; }
      apply(ev);
      drain();
      return true;
    }

    function waiting() {
      return Object.keys(pending).map(Number).sort(function (a, b) { return a - b; });
    }

    function drain() {
      var seqs = waiting();
      for (var i = 0; i < seqs.length; i++) {
        var ev = pending[seqs[i]];
        if (ev.seq > lastSeq && prevOf(ev) > lastSeq) return;
        delete pending[ev.seq];
        if (ev.seq > lastSeq) apply(ev); // at or below lastSeq: a snapshot already holds it
      }
    }

    function receive(ev) { if (!accept(ev)) catchUp(); }

    // Everything after lastSeq; one request at a time, none while a snapshot is coming.
    function catchUp() {
      if (inflight || resyncing) { again = true; return; }
      again = false;
      stats.catchUps += 1;
      inflight = { epoch: epoch, since: lastSeq };
      out.fetchEvents(lastSeq, inflight);
    }

    function eventsPage(ticket, body) {
      if (ticket !== inflight) return; // asked before a resync
      inflight = null;
      if (body.through < ticket.since) { resync("behind"); return; }
      body.events.forEach(accept);
      // The server has shown this view everything up to `through` that it may see: apply
      // what is buffered up to there, in order, and move past what was not for this view.
      if (body.through > lastSeq) {
        waiting().filter(function (seq) { return seq <= body.through; }).forEach(function (seq) {
          var ev = pending[seq];
          delete pending[seq];
          if (seq > lastSeq) apply(ev);
        });
        setLast(body.through);
        drain();
      }
      if (body.more || again) catchUp();
    }

    function eventsFailed(ticket) {
      if (ticket !== inflight) return;
      inflight = null;
      out.later(catchUp, retryMs);
    }

    function resync(reason) {
      if (resyncing) return;
      epoch += 1;
      stats.resyncs += 1;
      inflight = null; // its answer is stale now; the snapshot's catch-up asks again
      journal = [];
      resyncing = { epoch: epoch, seq: lastSeq, reason: reason || "asked" };
      out.fetchSnapshot(resyncing);
    }

    function snapshotReply(ticket, snap) {
      if (ticket !== resyncing) return;
      resyncing = null;
      var replay = [];
      if (snap.seq < ticket.seq) {
        // Behind what this screen had applied when it asked: the store went backwards
        // (restored, replaced). Start from it; what was applied or buffered is not in it.
        pending = {};
        setLast(snap.seq);
      } else {
        // The socket went on while the snapshot was on its way: replay what it applied
        // after the snapshot's seq, so no event is shown twice and none is lost.
        replay = journal.filter(function (ev) { return ev.seq > snap.seq; });
        stats.replayed += replay.length;
        setLast(Math.max(lastSeq, snap.seq));
      }
      journal = null;
      out.load(snap, replay);
      drain();
      catchUp();
    }

    function snapshotFailed(ticket) {
      if (ticket !== resyncing) return;
      resyncing = null;
      journal = null;
      out.later(function () { resync(ticket.reason); }, retryMs);
    }

    function heartbeat() { out.fetchSeq({ epoch: epoch, seq: lastSeq }); }

    // Judge the reply against lastSeq as it was when the question was SENT: the socket may
    // have moved on since, and an answer already out of date says nothing about the store.
    function seqReply(ticket, body) {
      if (ticket.epoch !== epoch || resyncing) return;
      if (body.seq < ticket.seq) resync("backwards");
      else if (body.seq - lastSeq > resyncGap) resync("far behind");
      else if (body.seq > lastSeq) catchUp();
    }

    return {
      stats: stats,
      start: start,
      receive: receive,
      connected: catchUp,
      heartbeat: heartbeat,
      resync: resync,
      eventsPage: eventsPage,
      eventsFailed: eventsFailed,
      snapshotReply: snapshotReply,
      snapshotFailed: snapshotFailed,
      seqReply: seqReply,
      lastSeq: function () { return lastSeq; },
      resyncing: function () { return resyncing !== null; }
    };
  }

  return { Sequencer: Sequencer };
});
