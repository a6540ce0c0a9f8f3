"""The figures 泉心愿 publishes (wishes fulfilled, volunteer teams, problems solved, units…),
computed from the platform's tables for a period or all time, by community, street and the
whole district. What each one counts, in words and as a formula, is written once in
``count_defs``; the states read here are named once below.

A figure of a period counts the items whose step (published, claimed, confirmed, solved…)
happened in it; a figure "now" (open wishes, active units, teams, calls filling up) is the
state at the moment asked, whatever the period. Each count is one ``GROUP BY
community_code`` query; streets and the district add their communities up. Nothing here
reads a name or a phone: the counts carry no personal data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, not_, or_, select
from sqlalchemy.sql import ColumnElement

from cases import clock
from cases.model import Status
from cases.quanxinyuan import schema as t
from cases.quanxinyuan.platform import Platform, QxyError
from cases.schema import cases

DISTRICT = "district"
LEVELS = ("district", "street", "community")

# -- the items' states these counts read (each area's module owns its workflow) ----------
WISH_OPEN = "open"  # published, waiting for a unit to claim it
WISH_IN_HAND = ("claimed", "fulfilled")  # claimed, not yet confirmed by the community
CALL_OPEN = "open"  # taking sign-ups
CALL_GONE = ("cancelled",)  # open, full and done calls count
PROBLEM_SOLVED = "solved"
PROBLEM_GONE = ("rejected",)  # not a problem to solve
RESOURCE_GONE = ("withdrawn",)
PROJECT_DONE = "done"
CASE_CLOSED = Status.CLOSED.value

# The counts, in the order pages show them (their words: count_defs.DEFS).
PERIOD_COUNTS = (
    "wishes_published",
    "wishes_claimed",
    "wishes_fulfilled",
    "calls_published",
    "places_wanted",
    "signups",
    "reports",
    "problems_uploaded",
    "problems_solved",
    "problems_to_case",
    "needs",
    "projects_done",
)
NOW_COUNTS = (
    "wishes_open",
    "wishes_in_hand",
    "calls_filling",
    "problems_open",
    "units",
    "teams",
    "volunteers",
    "resources",
)
COUNTS = PERIOD_COUNTS + NOW_COUNTS
# Per cell (the wall's map layer): what is waiting there now.
CELL_COUNTS = ("wishes_open", "calls_filling", "problems_open")


@dataclass(frozen=True)
class Period:
    """Local days ``start``..``end`` (both included, Asia/Shanghai); ``None``: all time."""

    key: str
    start: date | None = None
    end: date | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """UTC instants: from the first day's midnight to the midnight after the last."""
        if self.start is None or self.end is None:
            return None, None
        first = datetime.combine(self.start, time(0), tzinfo=clock.LOCAL_TZ).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=clock.LOCAL_TZ)
        return first, after.astimezone(UTC)

    def wire(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
_DAYS = re.compile(r"^(\d{1,3})d$")


def period_of(text: str | None, now: datetime) -> Period:
    """``month`` (this local month so far, the default), ``all``, ``30d`` (the last 30 local
    days, today included), ``2026-11`` (a month), ``2026-11-01..2026-11-30``."""
    today = clock.as_utc(now).astimezone(clock.LOCAL_TZ).date()
    key = (text or "month").strip()
    if key == "all":
        return Period("all")
    if key == "month":
        return Period("month", today.replace(day=1), today)
    try:
        if m := _DAYS.match(key):
            days = int(m.group(1))
            if 1 <= days <= 366:
                return Period(key, today - timedelta(days=days - 1), today)
        elif m := _MONTH.match(key):
            first = date(int(m.group(1)), int(m.group(2)), 1)
            after = (first + timedelta(days=32)).replace(day=1)
            return Period(key, first, after - timedelta(days=1))
        elif m := _RANGE.match(key):
            start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            if start <= end and (end - start).days <= 3660:
                return Period(key, start, end)
    except ValueError:
        pass
    raise QxyError(
        "bad_period",
        f"period {key!r}: use month, all, 30d, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD",
        400,
    )


Bounds = tuple[datetime | None, datetime | None]
Query = Callable[[Connection, Bounds, datetime], dict[str, int]]


def _within(column: Any, bounds: Bounds) -> ColumnElement[bool]:
    start, end = bounds
    if start is None or end is None:
        return column.is_not(None)
    return and_(column >= start, column < end)


def _grouped(conn: Connection, table: Any, value: Any, *where: Any) -> dict[str, int]:
    code = table.c.community_code
    rows = conn.execute(select(code, value).select_from(table).where(*where).group_by(code))
    return {str(r[0] or ""): int(r[1] or 0) for r in rows}


def _count(table: Any, *where: Any) -> Callable[[Connection], dict[str, int]]:
    return lambda conn: _grouped(conn, table, func.count(), *where)


def _problem_solved(bounds: Bounds) -> ColumnElement[bool]:
    """Solved by the community in the period, or turned into a case closed in the period."""
    p, c = t.problems.c, cases.c
    return or_(
        and_(p.state == PROBLEM_SOLVED, _within(p.solved_at, bounds)),
        and_(p.case_id.is_not(None), c.status == CASE_CLOSED, _within(c.closed_at, bounds)),
    )


def _problems(conn: Connection, where: ColumnElement[bool]) -> dict[str, int]:
    p = t.problems
    joined = p.outerjoin(cases, cases.c.id == p.c.case_id)
    code = p.c.community_code
    rows = conn.execute(select(code, func.count()).select_from(joined).where(where).group_by(code))
    return {str(r[0]): int(r[1]) for r in rows}


def _signups(conn: Connection, bounds: Bounds, column: Any) -> dict[str, int]:
    s, c = t.call_signups, t.calls
    joined = s.join(c, c.c.id == s.c.call_id)
    code = c.c.community_code
    where = [_within(column, bounds)]
    if column is s.c.signed_at:
        where.append(s.c.cancelled_at.is_(None))
    rows = conn.execute(select(code, func.count()).select_from(joined).where(*where).group_by(code))
    return {str(r[0]): int(r[1]) for r in rows}


W, C, P = t.wishes.c, t.calls.c, t.problems.c
WISH_CLAIM = "wish.claim"  # the audit log's kind of a claim


def _claims(bounds: Bounds) -> Any:
    """The wishes claimed in the period by the log (a claim since expired or released too:
    the row's ``claimed_at`` is cleared then)."""
    e = t.qxy_events.c
    return select(e.item_id).where(
        e.item_kind == "wish", e.kind == WISH_CLAIM, _within(e.at, bounds)
    )


QUERIES: dict[str, Query] = {
    "wishes_published": lambda conn, b, now: _count(t.wishes, _within(W.published_at, b))(conn),
    "wishes_claimed": lambda conn, b, now: _count(
        t.wishes, or_(_within(W.claimed_at, b), W.id.in_(_claims(b)))
    )(conn),
    "wishes_fulfilled": lambda conn, b, now: _count(t.wishes, _within(W.confirmed_at, b))(conn),
    "calls_published": lambda conn, b, now: _count(
        t.calls, _within(C.published_at, b), C.state.not_in(CALL_GONE)
    )(conn),
    "places_wanted": lambda conn, b, now: _grouped(
        conn, t.calls, func.sum(C.wanted), _within(C.published_at, b), C.state.not_in(CALL_GONE)
    ),
    "places_signed": lambda conn, b, now: _grouped(
        conn, t.calls, func.sum(C.signed), _within(C.published_at, b), C.state.not_in(CALL_GONE)
    ),
    "signups": lambda conn, b, now: _signups(conn, b, t.call_signups.c.signed_at),
    "reports": lambda conn, b, now: _signups(conn, b, t.call_signups.c.reported_at),
    "problems_uploaded": lambda conn, b, now: _count(t.problems, _within(P.reported_at, b))(conn),
    "problems_solved": lambda conn, b, now: _problems(conn, _problem_solved(b)),
    "problems_to_case": lambda conn, b, now: _count(
        t.problems, _within(P.reported_at, b), P.case_id.is_not(None)
    )(conn),
    "needs": lambda conn, b, now: _count(t.needs, _within(t.needs.c.created_at, b))(conn),
    "projects_done": lambda conn, b, now: _count(
        t.projects, t.projects.c.state == PROJECT_DONE, _within(t.projects.c.done_at, b)
    )(conn),
    # -- now --------------------------------------------------------------------------------
    "wishes_open": lambda conn, b, now: _count(t.wishes, W.state == WISH_OPEN)(conn),
    "wishes_in_hand": lambda conn, b, now: _count(t.wishes, W.state.in_(WISH_IN_HAND))(conn),
    "calls_filling": lambda conn, b, now: _count(
        t.calls, C.state == CALL_OPEN, C.signed < C.wanted, C.ends_at > now
    )(conn),
    "problems_open": lambda conn, b, now: _problems(
        conn,
        and_(
            P.state.not_in((PROBLEM_SOLVED, *PROBLEM_GONE)),
            not_(_problem_solved((None, None))),
        ),
    ),
    "units": lambda conn, b, now: _count(t.units, t.units.c.active.is_(True))(conn),
    "teams": lambda conn, b, now: _count(t.volunteer_teams, t.volunteer_teams.c.active.is_(True))(
        conn
    ),
    "volunteers": lambda conn, b, now: _count(
        t.public_people, t.public_people.c.volunteer.is_(True)
    )(conn),
    "resources": lambda conn, b, now: _count(
        t.resources, t.resources.c.state.not_in(RESOURCE_GONE)
    )(conn),
}
# places_signed is read for the fill rate (places filled %), not shown as a count of its own.


def _rate(n: int, d: int) -> dict[str, Any]:
    """A share as whole counts and tenths of a percent, rounded down (never up to 100%)."""
    return {"n": n, "d": d, "tenths": (1000 * n) // d if d else None}


class Counts:
    """The platform's counts on one ``Platform`` (its engine, places and clock)."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def period(self, text: str | None) -> Period:
        return period_of(text, self.platform.now())

    def by_community(self, period: Period) -> dict[str, dict[str, int]]:
        """Every count of every community with any (code → name → value); a volunteer with
        no community counts in the district only (under the code "")."""
        bounds, now = period.bounds(), self.platform.now()
        out: dict[str, dict[str, int]] = {}
        with self.platform.reading() as conn:
            for name, query in QUERIES.items():
                for code, value in query(conn, bounds, now).items():
                    out.setdefault(code, {})[name] = value
        return out

    def table(
        self, level: str, period: Period, community: str | None = None
    ) -> list[dict[str, Any]]:
        """Rows of ``level`` (district, street or community), each with its counts and its
        places filled (signed ÷ wanted); ``community``: that community's row only."""
        if level not in LEVELS:
            raise QxyError("bad_level", f"by {level!r}: use one of {', '.join(LEVELS)}", 400)
        per = self.by_community(period)
        places = self.platform.places
        if community is not None:
            per = {community: per.get(community, {})}
            level = "community"
        groups: dict[str, dict[str, int]] = {}
        names: dict[str, str] = {}
        if level == "community":
            codes = [community] if community else sorted(places.communities)
            for code in codes:
                groups[code] = {}
                place = places.communities.get(code)
                names[code] = place.community_name if place else code
        elif level == "street":
            for code, name in sorted(places.streets.items()):
                groups[code], names[code] = {}, name
        else:
            groups[DISTRICT], names[DISTRICT] = {}, DISTRICT
        for code, values in per.items():
            key = DISTRICT if level == "district" else code[:9] if level == "street" else code
            if key not in groups:
                continue
            into = groups[key]
            for name, value in values.items():
                into[name] = into.get(name, 0) + value
        return [self._row(level, code, names[code], values) for code, values in groups.items()]

    @staticmethod
    def _row(level: str, code: str, name: str, values: dict[str, int]) -> dict[str, Any]:
        counts = {k: int(values.get(k, 0)) for k in COUNTS}
        return {
            "level": level,
            "code": code,
            "name": name,
            "counts": counts,
            "places_filled": _rate(values.get("places_signed", 0), counts["places_wanted"]),
        }

    def district(self, period: Period) -> dict[str, Any]:
        return self.table(DISTRICT, period)[0]

    def cells(self) -> dict[str, list[int]]:
        """Per cell with anything waiting: [open wishes, calls filling up, open problems]
        (CELL_COUNTS). A call without a cell is counted nowhere on the map."""
        now = self.platform.now()
        out: dict[str, list[int]] = {}

        def add(index: int, rows: Any) -> None:
            for cell, n in rows:
                if cell:
                    out.setdefault(str(cell), [0] * len(CELL_COUNTS))[index] += int(n)

        p = t.problems
        joined = p.outerjoin(cases, cases.c.id == p.c.case_id)
        with self.platform.reading() as conn:
            add(0, conn.execute(_by_cell(t.wishes, W.state == WISH_OPEN)))
            filling = and_(C.state == CALL_OPEN, C.signed < C.wanted, C.ends_at > now)
            add(1, conn.execute(_by_cell(t.calls, filling)))
            still = and_(
                P.state.not_in((PROBLEM_SOLVED, *PROBLEM_GONE)),
                not_(_problem_solved((None, None))),
            )
            add(
                2,
                conn.execute(
                    select(P.cell_code, func.count())
                    .select_from(joined)
                    .where(still)
                    .group_by(P.cell_code)
                ),
            )
        return out

    def filling(self, limit: int = 6) -> list[dict[str, Any]]:
        """The calls taking sign-ups now, soonest first: "7 of 10" (no one's name)."""
        now = self.platform.now()
        places = self.platform.places.communities
        with self.platform.reading() as conn:
            rows = conn.execute(
                select(C.id, C.task, C.community_code, C.wanted, C.signed, C.reported, C.starts_at)
                .where(C.state == CALL_OPEN, C.signed < C.wanted, C.ends_at > now)
                .order_by(C.starts_at, C.id)
                .limit(limit)
            ).all()
        return [
            {
                "id": r.id,
                "task": r.task,
                "community": places[r.community_code].community_name
                if r.community_code in places
                else r.community_code,
                "signed": r.signed,
                "wanted": r.wanted,
                "reported": r.reported,
                "starts_at": clock.as_utc(r.starts_at).isoformat(),
            }
            for r in rows
        ]


def _by_cell(table: Any, where: ColumnElement[bool]) -> Any:
    cell = table.c.cell_code
    return select(cell, func.count()).where(where).group_by(cell)
