"""Positions in Redis, shared by every app process of a deployment (``cases.positions``).

Keys, under the deployment's own prefix (two deployments on one Redis server never see each
other's people):

- ``<prefix>:pos``  hash: person id → their last position (JSON)
- ``<prefix>:at``   sorted set: person id, scored by when that position was taken

Putting is one Lua script: a position taken before the one held (a phone's late retry) is
not kept, so a person's last position wins by its time, whichever process hears it first.
Forgetting what is older than ``ttl`` is one script too. Both keys carry a Redis TTL,
renewed by every put, so a deployment that stops collects itself.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

import redis

from cases.positions import MAX_AGE_S, Clock, Position, PositionBook

# KEYS: hash, zset. ARGV: person id, position JSON, its time, key TTL (s). 1: kept, 0: older.
PUT = """
local held = redis.call('ZSCORE', KEYS[2], ARGV[1])
if held and tonumber(held) > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""

# KEYS: hash, zset. ARGV: cutoff. Forgets the positions taken before the cutoff.
FORGET = """
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
for _, pid in ipairs(old) do
  redis.call('HDEL', KEYS[1], pid)
  redis.call('ZREM', KEYS[2], pid)
end
return #old
"""


class RedisPositions(PositionBook):
    def __init__(
        self, client: redis.Redis, prefix: str, ttl: float = 300.0, now: Clock = time.time
    ) -> None:
        super().__init__(ttl, now)
        self.client = client
        self.prefix = prefix
        self.keys = [f"{prefix}:pos", f"{prefix}:at"]
        self.keep = max(1, math.ceil(ttl * 2))
        # The last position read of each person, by its stored text: a screen's frame reads
        # every fresh position twice a second, of which few changed since (1,000 workers every
        # 30 s: ~17), and parsing is most of a read's cost.
        self._parsed: dict[str, tuple[Any, Position]] = {}
        self._put = client.register_script(PUT)
        self._forget = client.register_script(FORGET)

    def put(self, position: Position) -> None:
        raw = json.dumps(position.as_row(), ensure_ascii=False)
        self._put(keys=self.keys, args=[position.person_id, raw, repr(position.at), self.keep])

    def drop(self, person_id: str) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(self.keys[0], person_id)
        pipe.zrem(self.keys[1], person_id)
        pipe.execute()

    def all(self) -> list[Position]:
        self._forget(keys=self.keys, args=[repr(self.now() - self.ttl)])
        return [_position(raw) for raw in self.client.hvals(self.keys[0])]

    def recent(self, max_age: float = MAX_AGE_S) -> list[Position]:
        """Only the fresh ones are read (the sorted set says which)."""
        since = self.now() - max_age
        ids: list[Any] = list(self.client.zrangebyscore(self.keys[1], repr(since), "+inf"))
        if not ids:
            return []
        held = self._parsed
        parsed: dict[str, tuple[Any, Position]] = {}
        for pid, raw in zip(ids, self.client.hmget(self.keys[0], ids), strict=True):
            if not raw:
                continue  # dropped between the two reads
            key = pid.decode() if isinstance(pid, bytes) else str(pid)
            known = held.get(key)
            parsed[key] = known if known is not None and known[0] == raw else (raw, _position(raw))
        self._parsed = parsed  # only those still fresh are kept
        return [p for _, p in parsed.values() if p.at >= since]

    def close(self) -> None:
        self.client.close()


def _position(raw: Any) -> Position:
    return Position.from_row(json.loads(raw))
