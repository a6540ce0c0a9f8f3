"""Presence in Redis, shared by every app process of a deployment (``cases.presence``).

Keys, all under the deployment's own prefix (two deployments on one Redis server never see
each other's presence):

- ``<prefix>:screen:<sid>``  one screen's presence (JSON, with the time it runs out at)
- ``<prefix>:case:<id>``     sorted set: the screens on a case, scored by when they run out
- ``<prefix>:cell:<code>``   the same for one grid cell
- ``<prefix>:live``          every screen, scored by when it runs out (what ``expire`` scans)

Announcing and expiring are one Lua script each, so a screen's entry and its index entries
change together, and an expired screen is claimed (and reported) by exactly one process.
Every key also carries a Redis TTL, so what nobody expires any more is collected anyway.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Collection
from typing import Any

import redis

from cases import redis_client
from cases.presence import Clock, Presence, PresenceBook, Touched, touched

# The index keys of a stored screen (shared by both scripts).
_TARGETS = """
local function targets(prefix, raw)
  local found = {}
  if not raw then return found end
  local row = cjson.decode(raw)
  if type(row.case) == 'number' then
    found[#found + 1] = prefix .. ':case:' .. string.format('%d', row.case)
  end
  if type(row.cells) == 'table' then
    for _, code in ipairs(row.cells) do found[#found + 1] = prefix .. ':cell:' .. code end
  end
  return found
end
"""

# ARGV: prefix, sid, the new presence as JSON ('' for none), runs out at, key TTL (s).
# Returns the screen's previous presence (JSON) or nil.
PUT = (
    _TARGETS
    + """
local prefix, sid, new, till, keep = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local screen = prefix .. ':screen:' .. sid
local live = prefix .. ':live'
local old = redis.call('GET', screen)
for _, key in ipairs(targets(prefix, old)) do redis.call('ZREM', key, sid) end
if new == '' then
  redis.call('DEL', screen)
  redis.call('ZREM', live, sid)
else
  redis.call('SET', screen, new, 'EX', keep)
  for _, key in ipairs(targets(prefix, new)) do
    redis.call('ZADD', key, till, sid)
    redis.call('EXPIRE', key, keep)
  end
  redis.call('ZADD', live, till, sid)
end
return old
"""
)

# ARGV: prefix, now, at most how many. Removes the screens that ran out; returns each one's
# presence (JSON; '' where its entry was already collected).
EXPIRE = (
    _TARGETS
    + """
local prefix, now, most = ARGV[1], ARGV[2], tonumber(ARGV[3])
local live = prefix .. ':live'
local gone = {}
for _, sid in ipairs(redis.call('ZRANGEBYSCORE', live, '-inf', now, 'LIMIT', 0, most)) do
  local screen = prefix .. ':screen:' .. sid
  local old = redis.call('GET', screen)
  for _, key in ipairs(targets(prefix, old)) do redis.call('ZREM', key, sid) end
  redis.call('DEL', screen)
  redis.call('ZREM', live, sid)
  gone[#gone + 1] = old or ''
end
return gone
"""
)
EXPIRE_BATCH = 500


def connect(url: str) -> redis.Redis:
    """A client that gives up quickly: presence is a courtesy, never worth a stuck request."""
    return redis_client.client(url, timeout=2)


class RedisPresence(PresenceBook):
    def __init__(
        self, client: redis.Redis, prefix: str, ttl: float = 90.0, now: Clock = time.time
    ) -> None:
        super().__init__(ttl, now)
        self.client = client
        self.prefix = prefix
        # Keys outlive the presence they hold, so that expiry (by the clock ``now``, which
        # tests move) decides, and Redis only collects what nobody expired.
        self.keep = max(1, math.ceil(ttl * 2))
        self._put = client.register_script(PUT)
        self._expire = client.register_script(EXPIRE)

    def _screen(self, sid: str) -> str:
        return f"{self.prefix}:screen:{sid}"

    def put(self, sid: str, presence: Presence | None) -> Touched:
        until = self.now() + self.ttl
        new = "" if presence is None else json.dumps({**presence.as_row(), "until": until})
        old = self._put(args=[self.prefix, sid, new, repr(until), self.keep])
        return touched(_presence(old), presence)

    def _screens(self, sids: list[Any]) -> list[Presence]:
        if not sids:
            return []
        at = self.now()
        found = []
        for raw in self.client.mget([self._screen(_text(s)) for s in sids]):
            row = _row(raw)
            if row is not None and row["until"] > at:
                found.append(Presence.from_row(row))
        return found

    def on_case(self, case_id: int) -> list[Presence]:
        key = f"{self.prefix}:case:{case_id}"
        sids = self.client.zrangebyscore(key, f"({self.now()!r}", "+inf")
        return [p for p in self._screens(sids) if p.case == case_id]

    def on_cells(self, codes: Collection[str]) -> dict[str, list[Presence]]:
        codes = list(dict.fromkeys(codes))
        pipe = self.client.pipeline(transaction=False)
        low = f"({self.now()!r}"
        for code in codes:
            pipe.zrangebyscore(f"{self.prefix}:cell:{code}", low, "+inf")
        sids = sorted({_text(sid) for found in pipe.execute() for sid in found})
        present = self._screens(sids)
        return {code: [p for p in present if code in p.cells] for code in codes}

    def expire(self) -> Touched:
        result = Touched()
        while True:
            gone = self._expire(args=[self.prefix, repr(self.now()), EXPIRE_BATCH])
            for raw in gone:
                result |= touched(_presence(raw), None)
            if len(gone) < EXPIRE_BATCH:
                return result

    def close(self) -> None:
        self.client.close()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _row(raw: Any) -> dict[str, Any] | None:
    if not raw:
        return None
    row = json.loads(raw)
    return row if isinstance(row, dict) else None


def _presence(raw: Any) -> Presence | None:
    row = _row(raw)
    return Presence.from_row(row) if row is not None else None
