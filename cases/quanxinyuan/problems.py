"""微治理: a small governance problem uploaded by a resident or volunteer from their phone
(category, text, photos, position), handled by the community of the cell it is in.

States: ``new`` → ``handling`` (the community accepted it) → ``solved`` (with a note) |
``rejected`` (with a reason) | ``to_case`` (turned into a case on the operators' desk).
Turning it into a case goes through the one intake (a ``CaseMaker`` the dashboard gives:
source ``wish``, external id ``qxy-problem-<id>``, so a retry, or a second click, is the
same case); the problem keeps the case's id and shows the case's status read from the
store. When that case closes, a step marks the problem solved (``case_closed``: the
dashboard calls it from the case bus) — so the problems solved are counted from the
problems' own rows and times (``solved_at``), like every other item's steps.

A resend from the phone with the same ``report_id`` is the same problem (returned, nothing
written). Every step is one transaction with its event; events name the uploader only as
``public:<id>``, never by name or phone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from cases.quanxinyuan import access
from cases.quanxinyuan.photos import QxyPhotos
from cases.quanxinyuan.platform import Platform, QxyError, Stale, Step
from cases.quanxinyuan.problem_input import (
    CRS_NAMES,
    REPORT_ID,
    GridLocator,
    Locate,
    clean_text,
    grid_locator,
    read_position,
)
from cases.quanxinyuan.problem_reads import ITEM, Problem, ProblemReads
from cases.quanxinyuan.schema import problems
from cases.schema import cases

__all__ = [
    "CRS_NAMES",
    "ITEM",
    "PROBLEM_CATEGORIES",
    "STATES",
    "STEPS",
    "GridLocator",
    "Problem",
    "Problems",
    "clean_text",
    "grid_locator",
    "read_position",
]
# code → (中文, English, the catalog category a case made of it gets by default)
PROBLEM_CATEGORIES: dict[str, tuple[str, str, str]] = {
    "sanitation": ("环境卫生", "Sanitation", "SR01"),
    "facility": ("设施损坏", "Broken facilities", "MS12"),
    "neighbours": ("邻里纠纷", "Neighbour disputes", "MD01"),
    "parking": ("停车秩序", "Parking", "CG01"),
    "noise": ("噪音扰民", "Noise", "SR13"),
    "hazard": ("安全隐患", "Safety hazards", "AQ10"),
    "other": ("其他", "Other", "MS12"),
}
STATES = ("new", "handling", "solved", "rejected", "to_case")
OPEN = ("new", "handling")
# Each step of the community (as the API names it) and the states it may start from.
STEPS: dict[str, tuple[str, ...]] = {
    "accept": ("new",),
    "solve": ("handling",),
    "reject": OPEN,
    "to-case": OPEN,
}
MAX_TEXT = 2000
MAX_NOTE = 500
CASE_SOURCE = "wish"  # feeds.intake.SOURCES: 泉心愿
CASE_PREFIX = "qxy-problem-"
CASE_CLOSED = "closed"

# The intake, as the dashboard wires it: a report body (feeds.intake's fields) and who
# hands it in → the case's id (the same case for the same external id).
CaseMaker = Callable[[dict[str, Any], str], int]


class _Resent(Exception):
    def __init__(self, problem_id: int) -> None:
        self.problem_id = problem_id


class Problems(ProblemReads):
    def __init__(self, platform: Platform, photos: QxyPhotos, locate: Locate) -> None:
        self.platform = platform
        self.photos = photos
        self.locate = locate

    # -- the public's upload ----------------------------------------------------------------
    def upload(
        self,
        person: Any,
        *,
        category: object,
        text: object,
        lon: object,
        lat: object,
        crs: object = "wgs84",
        report_id: object = None,
        photos: list[bytes] | None = None,
        synthetic: bool = False,
    ) -> tuple[Problem, bool]:
        """A problem from ``person`` (a ``PublicPerson``); (problem, created). Nothing is
        written when anything is refused."""
        if access.public_of(person) is None and not synthetic:
            raise QxyError("signed_out", "sign in with your phone first", 401)
        if not isinstance(category, str) or category not in PROBLEM_CATEGORIES:
            raise QxyError("category", f"category: one of {', '.join(PROBLEM_CATEGORIES)}")
        body = clean_text(text, MAX_TEXT, "text")
        x, y = read_position(lon, lat, crs)
        if report_id is not None and (
            not isinstance(report_id, str) or not REPORT_ID.match(report_id)
        ):
            raise QxyError("report_id", "report_id: 1-64 characters of A-Z a-z 0-9 . _ : -")
        bodies = photos or []
        if len(bodies) > 4:
            raise QxyError("photos", "at most 4 photos")
        if report_id is not None and (found := self._by_report_id(str(report_id))) is not None:
            return self._resent(found, person), False
        cell = self.locate(x, y)
        community = self.platform.places.community_of_cell(cell)
        if community is None:
            raise QxyError("outside", f"the cell {cell} belongs to no community")
        try:
            with self.platform.writing() as step:
                if report_id is not None:
                    # Under the log's lock: a resend that raced past the look-up above.
                    seen = step.conn.execute(
                        select(problems.c.id).where(problems.c.report_id == report_id)
                    ).scalar()
                    if seen is not None:
                        raise _Resent(int(seen))
                pid = step.conn.execute(
                    insert(problems)
                    .values(
                        community_code=community,
                        cell_code=cell,
                        category=category,
                        text=body,
                        lon=x,
                        lat=y,
                        person_id=getattr(person, "id", None),
                        report_id=report_id,
                        state="new",
                        note="",
                        reported_at=step.at,
                        version=1,
                        synthetic=synthetic,
                    )
                    .returning(problems.c.id)
                ).scalar_one()
                by = getattr(person, "label", "system")
                photo_ids = self.photos.add(step, ITEM, pid, bodies, by) if bodies else []
                self._record(
                    step,
                    "upload",
                    pid,
                    community,
                    by,
                    "new",
                    None,
                    data={"category": category, "cell_code": cell, "photos": len(photo_ids)},
                )
        except (_Resent, IntegrityError):
            again = self._by_report_id(str(report_id)) if report_id is not None else None
            if again is None:
                raise
            return self._resent(again, person), False
        return self.get(pid), True

    def _by_report_id(self, report_id: str) -> Problem | None:
        with self.platform.reading() as conn:
            pid = conn.execute(
                select(problems.c.id).where(problems.c.report_id == report_id)
            ).scalar()
        return self.get(int(pid)) if pid is not None else None

    def _resent(self, found: Problem, person: Any) -> Problem:
        if found.person_id != getattr(person, "id", None):
            raise QxyError("report_id", "this report_id belongs to another upload", 409)
        return found

    # -- the community's steps ----------------------------------------------------------------
    def accept(self, actor: Any, problem_id: int, expected_version: int | None = None) -> Problem:
        return self._move(
            actor, problem_id, "accept", STEPS["accept"], "handling", expected_version
        )

    def solve(
        self, actor: Any, problem_id: int, note: object, expected_version: int | None = None
    ) -> Problem:
        text = clean_text(note, MAX_NOTE, "note")
        return self._move(
            actor, problem_id, "solve", STEPS["solve"], "solved", expected_version, note=text
        )

    def reject(
        self, actor: Any, problem_id: int, reason: object, expected_version: int | None = None
    ) -> Problem:
        text = clean_text(reason, MAX_NOTE, "reason")
        return self._move(
            actor, problem_id, "reject", STEPS["reject"], "rejected", expected_version, note=text
        )

    def to_case(
        self,
        actor: Any,
        problem_id: int,
        make_case: CaseMaker,
        category_code: str | None = None,
    ) -> Problem:
        """Turn the problem into a case through the intake; exactly one case however often
        (or however concurrently) it is asked: the external id makes the intake return the
        same case, and the conditional update lets one step record it."""
        found = self.get(problem_id)
        self._check_runs(actor, found)
        if found.state == "to_case" and found.case_id is not None:
            return found
        if found.state not in STEPS["to-case"]:
            raise QxyError("state", f"the problem {problem_id} is {found.state}", 409)
        code = category_code or PROBLEM_CATEGORIES[found.category][2]
        zh = PROBLEM_CATEGORIES[found.category][0]
        report = {
            "category": code,
            "description": f"【泉心愿·微治理 #{found.id} {zh}】{found.text}"[:MAX_TEXT],
            "lon": found.lon,
            "lat": found.lat,
            "crs": "wgs84",
            "source": CASE_SOURCE,
            "report_id": f"{CASE_PREFIX}{found.id}",
        }
        case_id = make_case(report, _label(actor))
        try:
            with self.platform.writing() as step:
                moved = step.conn.execute(
                    update(problems)
                    .where(problems.c.id == problem_id, problems.c.state.in_(STEPS["to-case"]))
                    .values(state="to_case", case_id=case_id, version=problems.c.version + 1)
                ).rowcount
                if moved != 1:
                    raise _AlreadyMoved()  # rolls back: the log's counter stays put
                self._record(
                    step,
                    "to_case",
                    problem_id,
                    found.community_code,
                    _label(actor),
                    "to_case",
                    found.state,
                    data={"case_id": case_id, "category": code},
                )
        except _AlreadyMoved:
            now = self.get(problem_id)
            if now.state == "to_case" and now.case_id == case_id:
                return now  # a second click: the first one recorded it
            raise QxyError("state", f"the problem {problem_id} is {now.state}", 409) from None
        return self.get(problem_id)

    def case_closed(self, case_id: int, status: str) -> Problem | None:
        """The case ``case_id`` reached ``status``: when it is closed, the problem it was
        made of counts as solved (one step; nothing when no problem waits on it)."""
        if status != CASE_CLOSED:
            return None
        with self.platform.reading() as conn:
            row = conn.execute(
                select(problems.c.id, problems.c.community_code).where(
                    problems.c.case_id == case_id, problems.c.state == "to_case"
                )
            ).first()
        if row is None:
            return None
        with self.platform.writing() as step:
            moved = step.conn.execute(
                update(problems)
                .where(problems.c.id == row.id, problems.c.state == "to_case")
                .values(
                    state="solved",
                    solved_at=step.at,
                    note=f"case #{case_id} closed",
                    version=problems.c.version + 1,
                )
            ).rowcount
            if moved != 1:
                raise _AlreadyMoved()
            self._record(
                step,
                "case_closed",
                row.id,
                row.community_code,
                "system",
                "solved",
                "to_case",
                data={"case_id": case_id},
            )
        return self.get(row.id)

    def settle(self) -> int:
        """Mark solved every problem whose case is closed (a close that happened while
        nobody listened to the case bus); returns how many."""
        with self.platform.reading() as conn:
            ids = (
                conn.execute(
                    select(cases.c.id)
                    .join(problems, problems.c.case_id == cases.c.id)
                    .where(problems.c.state == "to_case", cases.c.status == CASE_CLOSED)
                )
                .scalars()
                .all()
            )
        done = 0
        for cid in ids:
            with contextlib.suppress(_AlreadyMoved):  # closed by the bus meanwhile
                done += self.case_closed(int(cid), CASE_CLOSED) is not None
        return done

    def _move(
        self,
        actor: Any,
        problem_id: int,
        step_name: str,
        from_states: tuple[str, ...],
        to_state: str,
        expected_version: int | None,
        note: str | None = None,
    ) -> Problem:
        found = self.get(problem_id)
        self._check_runs(actor, found)
        if found.state not in from_states:
            raise QxyError("state", f"the problem {problem_id} is {found.state}", 409)
        if expected_version is not None and expected_version != found.version:
            raise Stale(ITEM, problem_id)
        values: dict[str, Any] = {"state": to_state, "version": found.version + 1}
        if note is not None:
            values["note"] = note
        with self.platform.writing() as step:
            if to_state == "solved":
                values["solved_at"] = step.at
            moved = step.conn.execute(
                update(problems)
                .where(
                    problems.c.id == problem_id,
                    problems.c.state == found.state,
                    problems.c.version == found.version,
                )
                .values(**values)
            ).rowcount
            if moved != 1:
                raise Stale(ITEM, problem_id)
            self._record(
                step,
                step_name,
                problem_id,
                found.community_code,
                _label(actor),
                to_state,
                found.state,
                reason=note or "",
            )
        return self.get(problem_id)

    @staticmethod
    def _check_runs(actor: Any, found: Problem) -> None:
        if not access.may_handle_problem(actor, found.community_code):
            raise QxyError("forbidden", "only the problem's community handles it", 403)

    @staticmethod
    def _record(
        step: Step,
        name: str,
        pid: int,
        community: str,
        actor: str,
        to_state: str,
        from_state: str | None,
        reason: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        step.record(
            kind=f"problem.{name}",
            item_kind=ITEM,
            item_id=pid,
            community_code=community,
            actor=actor[:128],
            to_state=to_state,
            from_state=from_state,
            reason=reason,
            data=data or {},
        )


class _AlreadyMoved(QxyError):
    def __init__(self) -> None:
        super().__init__("stale", "the problem was changed meanwhile; reload", 409)


def _label(actor: Any) -> str:
    return str(getattr(actor, "label", None) or getattr(actor, "name", None) or actor)
