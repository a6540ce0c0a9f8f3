/* The desks' request helpers (assets/gridcc/http.js) and live link (live.js). */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { cookieValue, withQuery, failure } = require("../../assets/gridcc/http.js");
const { Debounce, touches, Link } = require("../../assets/gridcc/live.js");

test("the CSRF token is read from its cookie among others", () => {
  assert.equal(cookieValue("a=1; _csrf_token=abc%3D; b=2", "_csrf_token"), "abc=");
  assert.equal(cookieValue("a=1", "_csrf_token"), "");
  assert.equal(cookieValue("", "_csrf_token"), "");
});

test("a query keeps only the filters given, lists comma-joined", () => {
  assert.equal(
    withQuery("/api/cases", { cell: ["1", "2"], risk: null, status: [], limit: 50, q: "a b" }),
    "/api/cases?cell=1,2&limit=50&q=a%20b"
  );
  assert.equal(withQuery("/api/x?lang=en", { offset: 0 }), "/api/x?lang=en&offset=0");
  assert.equal(withQuery("/api/x", {}), "/api/x");
});

test("a failure keeps the server's words and names what failed otherwise", () => {
  const f = failure(409, { error: "conflict", message: "changed", changed_by: "张三" });
  assert.deepEqual([f.status, f.error, f.changed_by], [409, "conflict", "张三"]);
  assert.deepEqual([failure(0, null, "timeout").error, failure(502, null, "").message], ["network", "HTTP 502"]);
});

function manualTimers() {
  const pending = [];
  return {
    pending,
    set: (fn) => { pending.push(fn); return pending.length; },
    clear: () => {},
    fire: async () => { const fn = pending.shift(); fn(); await new Promise((r) => setImmediate(r)); },
  };
}

test("a burst of pokes is one read, and a poke during a read is read after it", async () => {
  const timers = manualTimers();
  let runs = 0;
  let release;
  const d = new Debounce(() => { runs += 1; return new Promise((r) => { release = r; }); }, 100, timers);
  d.poke(); d.poke(); d.poke();
  assert.equal(timers.pending.length, 1);
  await timers.fire();
  assert.equal(runs, 1);
  d.poke();  // during the read
  assert.equal(timers.pending.length, 0);
  release();
  await new Promise((r) => setImmediate(r));
  assert.equal(timers.pending.length, 1);
  await timers.fire();
  assert.equal(runs, 2);
});

test("an event touches a view that shows its case or its cell", () => {
  const ev = { case_id: 7, cell: "c1" };
  assert.equal(touches(ev, [7], ["c9"]), true);
  assert.equal(touches(ev, [], ["c1"]), true);
  assert.equal(touches(ev, [1], ["c9"]), false);
  assert.equal(touches(ev, [], null), true);
});

test("a head ahead of the last event heard means something was missed", () => {
  const handlers = {};
  const socket = { on: (n, fn) => { handlers[n] = fn; }, emit() {}, close() {} };
  let rereads = 0;
  const link = new Link(() => socket, { onReconnect: () => { rereads += 1; } });
  link.heard(5);  // the first head: nothing to compare with
  assert.equal(rereads, 0);
  handlers.case_events([{ seq: 6 }]);
  link.heard(6);
  assert.equal(rereads, 0);
  link.heard(9);
  assert.equal(rereads, 1);
  handlers.connect();
  handlers.connect();  // a reconnect
  assert.equal(rereads, 2);
});

test("a frame of several events hands each on, in order, and hears the last", () => {
  const handlers = {};
  const socket = { on: (n, fn) => { handlers[n] = fn; }, emit() {}, close() {} };
  const seen = [];
  let rereads = 0;
  const link = new Link(() => socket, {
    onEvent: (ev) => seen.push(ev.seq), onReconnect: () => { rereads += 1; }
  });
  link.heard(3);
  handlers.case_events([{ seq: 4 }, { seq: 5 }, { seq: 6 }]);
  assert.deepEqual(seen, [4, 5, 6]);
  link.heard(6);
  assert.equal(rereads, 0);
});

test("a socket the server refused is tried again; one still reconnecting by itself is left to it", () => {
  const { socket, RETRY_REFUSED_MS } = require("../../assets/gridcc/http.js");
  const handlers = {};
  let asked = null;
  let connects = 0;
  const made = {
    active: false,
    on(name, fn) { handlers[name] = fn; },
    connect() { connects += 1; }
  };
  const timers = [];
  const got = socket((options) => { asked = options; return made; }, (run, ms) => timers.push([run, ms]));
  assert.equal(got, made);
  assert.deepEqual(asked.transports, ["websocket"]);
  handlers.connect_error(new Error("unavailable"));  // refused: socket.io gives up
  assert.equal(timers.length, 1);
  assert.equal(timers[0][1], RETRY_REFUSED_MS);
  timers[0][0]();
  assert.equal(connects, 1);
  made.active = true;  // a dropped connection: the client's own reconnection runs
  handlers.connect_error(new Error("xhr poll error"));
  assert.equal(timers.length, 1);
});
