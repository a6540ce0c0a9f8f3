"""What a run of the district did: counts of reports and actions, and its KPI sums."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from cases import clock
from cases.kpi import settled_totals
from cases.store import Store
from feeds.operations.district import District


@dataclass(frozen=True)
class OpsSummary:
    """What a run did. Counts of actions are events (a case returned twice counts 2).

    ``sent``: reports sent to the intake; ``reports``: those that opened a case;
    ``rejected``: those the intake refused (kept in ``rejected_reports``).
    """

    start: datetime
    end: datetime
    days: float
    reports_per_day: float
    seed: int
    sent: int
    reports: int
    rejected: int
    filed: int
    voided: int
    dispatched: int
    returned: int
    reworked: int
    extended: int
    handled: int
    closed: int
    rated: int
    satisfied: int
    open_at_end: int
    conflicts: int  # actions the store refused (someone else acted on the case)
    events: int  # written to the store during the run (by anyone)
    wall_seconds: float

    @property
    def per_day(self) -> float:
        return self.reports / self.days if self.days else 0.0

    @property
    def events_per_second(self) -> float:
        return self.events / self.wall_seconds if self.wall_seconds else 0.0

    def counts(self) -> dict[str, Any]:
        """Everything but the wall time: equal for two runs with the same seed."""
        out = asdict(self)
        out.pop("wall_seconds")
        return out

    def lines(self) -> list[str]:
        refused = f", refused by the intake {self.rejected}" if self.rejected else ""
        return [
            f"simulated {self.days:g} days from {clock.iso_local(self.start)} "
            f"at {self.reports_per_day:g} reports/day (seed {self.seed})",
            f"reports {self.reports} ({self.per_day:.1f}/day){refused}, closed {self.closed}, "
            f"voided {self.voided}, open at end {self.open_at_end}",
            f"returned {self.returned}, reworked {self.reworked}, extended {self.extended}, "
            f"rated {self.rated} (satisfied {self.satisfied})",
            f"events {self.events} in {self.wall_seconds:.1f} s "
            f"({self.events_per_second:.0f} events/s)",
        ]


def summarize(
    district: District,
    *,
    end: float,
    reports_per_day: float,
    events: int,
    started: float,
    days: float | None = None,
) -> OpsSummary:
    """The summary of ``district`` from its start to ``end`` (epoch s); ``started`` is the
    ``time.perf_counter()`` at which the run began."""
    c = district.counts
    return OpsSummary(
        start=datetime.fromtimestamp(district.start, UTC),
        end=datetime.fromtimestamp(end, UTC),
        days=days if days is not None else (end - district.start) / clock.DAY_S,
        reports_per_day=reports_per_day,
        seed=district.seed,
        sent=c["sent"],
        reports=c["reports"],
        rejected=c["rejected"],
        filed=c["filed"],
        voided=c["voided"],
        dispatched=c["dispatched"],
        returned=c["returned"],
        reworked=c["reworked"],
        extended=c["extended"],
        handled=c["handled"],
        closed=c["closed"],
        rated=c["rated"],
        satisfied=c["satisfied"],
        open_at_end=sum(1 for case in district.cases.values() if case.status.is_open),
        conflicts=c["conflicts"],
        events=events,
        wall_seconds=time.perf_counter() - started,
    )


def district_kpis(store: Store) -> dict[str, float]:
    """The district's KPI counters summed over all days (from kpi_rollup), and rates.

    ``closed_3d_rate`` is of closed cases; ``closed_3d_of_all`` counts every non-void
    case, so a case still open counts as not closed within 3 days.
    """
    out: dict[str, float] = {n: float(v) for n, v in settled_totals(store, "district").items()}

    def ratio(a: float, b: float) -> float:
        return a / b if b else 0.0

    valid = out.get("collected", 0.0) - out.get("void", 0.0)
    out["closed_3d_rate"] = ratio(out.get("closed_3d", 0.0), out.get("closed", 0.0))
    out["closed_7d_rate"] = ratio(out.get("closed_7d", 0.0), out.get("closed", 0.0))
    out["closed_3d_of_all"] = ratio(out.get("closed_3d", 0.0), valid)
    out["closed_7d_of_all"] = ratio(out.get("closed_7d", 0.0), valid)
    out["satisfaction"] = ratio(out.get("satisfied", 0.0), out.get("rated", 0.0))
    return out
