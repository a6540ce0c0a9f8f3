/* The phone's queue of reports (assets/gridcc/patrolqueue.js): a report made offline is
 * kept and sent later, by the same report id, so however often it is sent it is one case;
 * what the center refuses stops; what the connection refuses waits and is tried again. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const Q = require("../../assets/gridcc/patrolqueue.js");

const OPTS = { retryMinMs: 5000, retryMaxMs: 120000 };
const FIELDS = { category: "SR01", description: "井盖缺失", lon: 117.05, lat: 36.66, photos: ["p1", "p2"] };

function bytes(seed) { return Array.from({ length: 16 }, (_v, i) => (seed * 31 + i * 17) & 255); }

test("a report id is a version-4 UUID, the intake's report_id", () => {
  const id = Q.uuid4(bytes(1));
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(id, /^[A-Za-z0-9._:\-]{1,128}$/); // feeds/intake.py EXTERNAL_ID
  assert.notEqual(Q.uuid4(bytes(2)), id);
  assert.equal(Q.uuid4(bytes(1)), id);
  assert.throws(() => Q.uuid4([1, 2, 3]));
});

test("a new report is the intake's body with its own id, waiting to be sent", () => {
  const item = Q.newReport(FIELDS, "r-1", 1000, "patrol", "wgs84", "w1");
  assert.deepEqual(item.body, {
    report_id: "r-1", source: "patrol", category: "SR01", description: "井盖缺失",
    lon: 117.05, lat: 36.66, crs: "wgs84"
  });
  assert.equal(item.state, "queued");
  assert.equal(item.owner, "w1");
  assert.deepEqual(item.photos, ["p1", "p2"]);
  assert.notEqual(item.photos, FIELDS.photos); // its own list
  assert.deepEqual(Q.nextStep(item), { kind: "report" });
});

test("what a report lacks is named before it is kept", () => {
  assert.deepEqual(Q.problems(FIELDS), []);
  assert.deepEqual(Q.problems({ description: " ", lon: null, lat: 1 }),
    ["patrol_need_category", "patrol_need_text", "patrol_need_position"]);
  assert.deepEqual(Q.problems({ ...FIELDS, lon: NaN }), ["patrol_need_position"]);
});

test("sent: the case's photos follow, one by one, then it is done", () => {
  let item = Q.newReport(FIELDS, "r-1", 1000);
  item = Q.afterReport(item, 201, { case_id: 42, duplicate: false }, 2000, OPTS);
  assert.equal(item.state, "photos");
  assert.equal(item.caseId, 42);
  assert.deepEqual(Q.nextStep(item), { kind: "photo", index: 0 });
  item = Q.afterPhoto(item, 201, {}, 3000, OPTS);
  assert.deepEqual(Q.nextStep(item), { kind: "photo", index: 1 });
  item = Q.afterPhoto(item, 200, {}, 4000, OPTS); // the same photo again: already there
  assert.equal(item.state, "sent");
  assert.equal(item.sentAt, 4000);
  assert.equal(Q.nextStep(item), null);
  const bare = Q.afterReport(Q.newReport({ ...FIELDS, photos: [] }, "r-2", 0), 200, { case_id: 7, duplicate: true }, 9, OPTS);
  assert.equal(bare.state, "sent");
  assert.equal(bare.duplicate, true);
});

test("no connection or a server error: tried again later, the wait doubling up to a limit", () => {
  let item = Q.newReport(FIELDS, "r-1", 0);
  const waits = [];
  for (const status of [0, 503, 0, 429, 408, 0, 0, 0]) {
    const before = item;
    item = Q.afterReport(item, status, null, 10000, OPTS);
    assert.equal(item.state, "queued", String(status));
    assert.equal(item.body, before.body); // the same report, the same id: one case however often
    waits.push(item.nextAt - 10000);
  }
  assert.deepEqual(waits, [5000, 10000, 20000, 40000, 80000, 120000, 120000, 120000]);
  assert.equal(item.error.status, 0);
  assert.deepEqual(Q.due([item], 10000), []);
  assert.deepEqual(Q.due([item], 10000 + 120000).map((i) => i.id), ["r-1"]);
  const sent = Q.afterReport(item, 201, { case_id: 5 }, 200000, OPTS);
  assert.equal(sent.tries, 0);
  assert.equal(sent.error, null);
});

test("signed out meanwhile: it waits for the person to sign in again, never dropped", () => {
  for (const status of [401, 403]) {
    const item = Q.afterReport(Q.newReport(FIELDS, "r", 0), status, { error: "unauthenticated" }, 0, OPTS);
    assert.equal(item.state, "queued");
    assert.equal(item.error.status, status);
  }
});

test("refused by the center: it stops, keeping the center's words", () => {
  for (const status of [400, 409, 413, 415, 422]) {
    const item = Q.afterReport(Q.newReport(FIELDS, "r", 0), status,
      { error: "x", message: "outside every grid cell", fields: { lon: "bad" } }, 0, OPTS);
    assert.equal(item.state, "refused", String(status));
    assert.equal(item.error.message, "outside every grid cell");
    assert.deepEqual(Q.due([item], 1e12), []);
  }
});

test("a photo the center will not take is skipped, the others still go", () => {
  let item = Q.afterReport(Q.newReport(FIELDS, "r", 0), 201, { case_id: 1 }, 0, OPTS);
  item = Q.afterPhoto(item, 415, { message: "only JPEG and PNG" }, 1, OPTS);
  assert.equal(item.state, "photos");
  assert.deepEqual(item.photoErrors, [{ index: 0, status: 415, message: "only JPEG and PNG" }]);
  item = Q.afterPhoto(item, 0, null, 2, OPTS); // the connection: the same photo again later
  assert.deepEqual(Q.nextStep(item), { kind: "photo", index: 1 });
  assert.equal(item.nextAt, 2 + 5000);
  item = Q.afterPhoto(item, 201, {}, 6000, OPTS);
  assert.equal(item.state, "sent");
});

test("due: the oldest first, only what waits and whose time has come", () => {
  const a = { ...Q.newReport(FIELDS, "a", 30), nextAt: 30 };
  const b = { ...Q.newReport(FIELDS, "b", 10), nextAt: 10 };
  const later = { ...Q.newReport(FIELDS, "c", 5), nextAt: 500 };
  const done = { ...Q.newReport(FIELDS, "d", 1), state: "sent" };
  const refused = { ...Q.newReport(FIELDS, "e", 1), state: "refused" };
  assert.deepEqual(Q.due([a, later, done, b, refused], 100).map((i) => i.id), ["b", "a"]);
  assert.equal(Q.nextWake([a, later, done, b, refused]), 10);
  assert.equal(Q.nextWake([done, refused]), null);
});

test("shown: newest first; what arrived stays a while, then is let go", () => {
  const old = { ...Q.newReport(FIELDS, "old", 0), state: "sent", sentAt: 0 };
  const recent = { ...Q.newReport(FIELDS, "recent", 50), state: "sent", sentAt: 900 };
  const waiting = Q.newReport(FIELDS, "waiting", 100);
  const refused = { ...Q.newReport(FIELDS, "refused", 10), state: "refused" };
  assert.deepEqual(Q.shown([old, recent, waiting, refused], 1000, 500).map((i) => i.id),
    ["waiting", "recent", "refused"]);
});
