"""The old definitions, on the same history as today's: each trick of issue 10 flattered the
old rate and does not flatter the new one (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from cases.kpi import compute_kpis
from cases.store import Store
from feeds.operations.then_and_now import OLD_NAMES, old_rates
from tests.cases.history import CG, LEAD, OP, WORKER, YL, History, at

PERIOD = (date(2026, 11, 1), date(2026, 11, 30))


def test_the_tricks_flattered_the_old_rates_and_not_the_new(store: Store) -> None:
    h = History(store)
    # SR01 (暴露垃圾), on working hours: two days overdue, then extended by 40 h, handled
    # and closed the same morning.
    late = h.report("2026-11-10 09:00", category="SR01")
    h.do("2026-11-10 09:05", late, "file", OP)
    h.do("2026-11-10 09:05", late, "dispatch", OP)
    h.do("2026-11-10 09:20", late, "accept", CG)
    h.do("2026-11-13 09:00", late, "extend", LEAD, "补办", hours=40)
    h.do("2026-11-13 10:00", late, "handle", CG)
    h.do("2026-11-13 10:30", late, "verify", WORKER)
    h.do("2026-11-13 10:30", late, "close", OP)
    h.do("2026-11-13 10:40", late, "rate", OP, rating="basic")
    # Reassigned away from 园林: a dispatch, never an inaccurate one, before.
    moved = h.report("2026-11-13 08:30", category="SR01")
    h.do("2026-11-13 08:35", moved, "file", OP)
    h.do("2026-11-13 08:35", moved, "dispatch", OP, department="yuanlin")
    h.do("2026-11-13 08:50", moved, "accept", YL)
    h.do("2026-11-13 10:00", moved, "reassign", LEAD, "属于城管", department="chengguan")

    now = at("2026-11-13 11:00")
    old = old_rates(store, *PERIOD, now)
    new = compute_kpis(store, "district", *PERIOD, now)["370102"]

    def pair(code: str) -> tuple[int, int]:
        return new[code]["n"], new[code]["d"]

    assert old["handle_on_time"] == (1, 1) and pair("handle_on_time") == (0, 1)
    assert old["close_on_time"] == (1, 1)  # against the extended case deadline
    assert old["satisfaction"] == (1, 1)  # 基本满意 counted as satisfied, unnamed
    assert pair("satisfaction_strict") == (0, 1) and pair("satisfaction") == (1, 1)
    assert old["accurate_dispatch"] == (3, 3) and pair("accurate_dispatch") == (2, 3)
    assert set(old) <= set(OLD_NAMES)
