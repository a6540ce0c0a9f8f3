"""微志愿: a community's call for volunteers, and the volunteers' sign-ups.

A call (task, text, place, maybe a cell of its community and a position, from ``starts_at``
to ``ends_at``, ``wanted`` 1..500 people, maybe for one team) goes

    open → full (signed == wanted) → open (a sign-up withdrawn) …
    open | full → done (its end passed: ``finish_due``; or closed by the community)
    open | full → cancelled (by the community, with a reason)

Volunteers sign up until it is full. No over-booking, whatever the concurrency: a sign-up
is one step that first takes a place by one conditional UPDATE (``signed = signed + 1
WHERE signed < wanted AND state = 'open'``; a refused UPDATE is a "full" refusal) and then
writes the sign-up (unique per person and call). Withdrawing frees the place. On the day
(from an hour before the start to the end) a volunteer checks in, then reports what they
did (text and photos: the call counts them as reported).

Every step is an event (item kind ``call`` or ``signup``); an event never carries a
volunteer's name or phone. Who reads what (``cases.quanxinyuan.access``): the organising
community its calls with the sign-ups' names and phones; the public the open calls of the
district as counts and their own sign-ups; the center every call, counts only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, case, insert, select, update
from sqlalchemy.exc import IntegrityError

from cases.quanxinyuan import access
from cases.quanxinyuan.call_model import (
    LIVE,
    Call,
    CallReads,
    SignUp,
    actor_label,
    check_in_window,
    check_position,
    check_text,
    check_time,
)
from cases.quanxinyuan.photos import QxyPhotos
from cases.quanxinyuan.platform import Platform, QxyError, Stale, Step
from cases.quanxinyuan.residents import PublicPerson
from cases.quanxinyuan.schema import call_signups, calls, volunteer_teams

__all__ = ["LIVE", "Call", "Calls", "SignUp", "check_in_window"]

STATES = ("open", "full", "done", "cancelled")
MAX_WANTED = 500
TASK_CHARS = 128
PLACE_CHARS = 128
TEXT_CHARS = 2000
REPORT_CHARS = 1000
MAX_LENGTH = timedelta(days=7)  # a call lasts at most a week
REPORT_AFTER = timedelta(days=7)  # what they did may be reported up to a week after the end


class Calls(CallReads):
    def __init__(self, platform: Platform, photos: QxyPhotos) -> None:
        self.platform = platform
        self.photos = photos

    # -- the community's steps ------------------------------------------------------------
    def publish(
        self,
        actor: object,
        community_code: str,
        *,
        task: object,
        starts_at: object,
        ends_at: object,
        wanted: object,
        text: object = "",
        place: object = "",
        cell_code: str | None = None,
        lon: float | None = None,
        lat: float | None = None,
        team_id: str | None = None,
        by: str | None = None,
        synthetic: bool = False,
    ) -> Call:
        """``actor`` (who runs ``community_code``) publishes a call."""
        if not access.may_publish_call(actor, community_code):
            raise QxyError("forbidden", "only the community itself publishes its calls", 403)
        task_text = check_text(task, "task", TASK_CHARS, required=True)
        body = check_text(text, "text", TEXT_CHARS)
        where = check_text(place, "place", PLACE_CHARS)
        starts, ends = check_time(starts_at, "starts_at"), check_time(ends_at, "ends_at")
        now = self.platform.now()
        if not starts < ends <= starts + MAX_LENGTH:
            raise QxyError("times", "a call ends after it starts, within a week")
        if ends <= now:
            raise QxyError("times", "the call would be over already")
        try:
            count = int(str(wanted))
        except ValueError:
            raise QxyError("wanted", f"wanted: a number from 1 to {MAX_WANTED}") from None
        if not 1 <= count <= MAX_WANTED:
            raise QxyError("wanted", f"wanted: a number from 1 to {MAX_WANTED}")
        if cell_code and self.platform.places.community_of_cell(cell_code) != community_code:
            raise QxyError("cell", f"{cell_code} is no cell of community {community_code}")
        point = check_position(lon, lat)
        with self.platform.writing() as step:
            if team_id:
                team = step.conn.execute(
                    select(volunteer_teams).where(volunteer_teams.c.id == team_id)
                ).first()
                if team is None or team.community_code != community_code:
                    raise QxyError("team", f"no team {team_id} in community {community_code}")
            call_id = step.conn.execute(
                insert(calls)
                .values(
                    community_code=community_code,
                    cell_code=cell_code or None,
                    task=task_text,
                    text=body,
                    place=where,
                    lon=point[0],
                    lat=point[1],
                    starts_at=starts,
                    ends_at=ends,
                    wanted=count,
                    signed=0,
                    reported=0,
                    state="open",
                    team_id=team_id or None,
                    published_at=step.at,
                    version=1,
                    synthetic=synthetic,
                )
                .returning(calls.c.id)
            ).scalar_one()
            self._record(
                step,
                "call.publish",
                call_id,
                community_code,
                by or actor_label(actor),
                None,
                "open",
                data={"wanted": count, "signed": 0, "reported": 0},
            )
            return self._get(step.conn, call_id)

    def close(self, actor: object, call_id: int, reason: str = "") -> Call:
        """The community ends the call (done): no more sign-ups; reports still come."""
        return self._end(actor, call_id, "done", "call.close", check_text(reason, "reason", 500))

    def cancel(self, actor: object, call_id: int, reason: str) -> Call:
        why = check_text(reason, "reason", 500, required=True)
        return self._end(actor, call_id, "cancelled", "call.cancel", why)

    def _end(self, actor: object, call_id: int, to: str, kind: str, reason: str) -> Call:
        with self.platform.writing() as step:
            found = self._get(step.conn, call_id)
            if not access.may_run_call(actor, found.community_code):
                raise QxyError("forbidden", "only the organising community ends its call", 403)
            if found.state not in LIVE:
                raise QxyError("state", f"the call is {found.state} already", 409)
            changed = step.conn.execute(
                update(calls)
                .where(calls.c.id == call_id, calls.c.version == found.version)
                .values(state=to, version=calls.c.version + 1)
            ).rowcount
            if changed != 1:
                raise Stale("call", call_id)
            self._record(
                step,
                kind,
                call_id,
                found.community_code,
                actor_label(actor),
                found.state,
                to,
                reason=reason,
                data=self._numbers(found, to),
            )
            return self._get(step.conn, call_id)

    def finish_due(self) -> int:
        """Calls whose end has passed are done (the system's step, one per call)."""
        now = self.platform.now()
        with self.platform.reading() as conn:
            due = [
                r.id
                for r in conn.execute(
                    select(calls.c.id).where(calls.c.state.in_(LIVE), calls.c.ends_at <= now)
                )
            ]
        finished = 0
        for call_id in due:
            try:
                with self.platform.writing() as step:
                    found = self._get(step.conn, call_id)
                    ended = step.conn.execute(
                        update(calls)
                        .where(calls.c.id == call_id, calls.c.state.in_(LIVE))
                        .values(state="done", version=calls.c.version + 1)
                    ).rowcount
                    if ended != 1:
                        raise _Skip  # closed meanwhile: nothing to write
                    self._record(
                        step,
                        "call.end",
                        call_id,
                        found.community_code,
                        "system",
                        found.state,
                        "done",
                        reason="ended",
                        data=self._numbers(found, "done"),
                    )
            except _Skip:
                continue
            finished += 1
        return finished

    # -- the volunteer's steps ------------------------------------------------------------
    def sign_up(self, person: PublicPerson, call_id: int) -> SignUp:
        """Take a place on the call, if one is left (``full`` otherwise)."""
        if not person.volunteer:
            raise QxyError("not_volunteer", "become a volunteer first", 403)
        try:
            with self.platform.writing() as step:
                conn = step.conn
                found = self._get(conn, call_id)
                if found.team_id and found.team_id != person.team_id:
                    raise QxyError("team_only", "this call is for one team's members", 403)
                mine = self._mine(conn, call_id, person.id)
                if mine is not None and mine.cancelled_at is None:
                    raise QxyError("already", "you are signed up already", 409)
                now = step.at
                if found.ends_at <= now:
                    raise QxyError("over", "the call is over", 409)
                # The one place-taking statement: never past ``wanted``, whatever runs beside.
                took = conn.execute(
                    update(calls)
                    .where(
                        calls.c.id == call_id,
                        calls.c.state == "open",
                        calls.c.signed < calls.c.wanted,
                    )
                    .values(
                        signed=calls.c.signed + 1,
                        state=case(
                            (calls.c.signed + 1 >= calls.c.wanted, "full"), else_=calls.c.state
                        ),
                        version=calls.c.version + 1,
                    )
                ).rowcount
                if took != 1:
                    now_state = self._get(conn, call_id).state
                    if now_state == "full":
                        raise QxyError("full", "the call is full: every place is taken", 409)
                    raise QxyError("state", f"the call is {now_state}: no sign-ups", 409)
                if mine is None:
                    signup_id = conn.execute(
                        insert(call_signups)
                        .values(call_id=call_id, person_id=person.id, signed_at=now, report_text="")
                        .returning(call_signups.c.id)
                    ).scalar_one()
                else:  # signing up again after withdrawing: the same row
                    signup_id = mine.id
                    conn.execute(
                        update(call_signups)
                        .where(call_signups.c.id == mine.id)
                        .values(signed_at=now, cancelled_at=None, checked_in_at=None)
                    )
                after = self._get(conn, call_id)
                self._record(
                    step,
                    "signup.sign_up",
                    signup_id,
                    found.community_code,
                    person.label,
                    "withdrawn" if mine else None,
                    "signed",
                    item_kind="signup",
                    data=self._numbers(after, after.state),
                )
                if after.state == "full":
                    self._record(
                        step,
                        "call.full",
                        call_id,
                        found.community_code,
                        person.label,
                        "open",
                        "full",
                        data=self._numbers(after, "full"),
                    )
                return self._signup_by_id(conn, signup_id)
        except IntegrityError:
            # The same person's second sign-up raced the first: the unique key said no.
            raise QxyError("already", "you are signed up already", 409) from None

    def withdraw(self, person: PublicPerson, call_id: int) -> SignUp:
        """Withdraw a sign-up (before checking in): the place is free again."""
        with self.platform.writing() as step:
            conn = step.conn
            found = self._get(conn, call_id)
            mine = self._mine(conn, call_id, person.id)
            if mine is None or mine.cancelled_at is not None:
                raise QxyError("not_signed", "you are not signed up for this call", 409)
            if mine.checked_in_at is not None:
                raise QxyError("checked_in", "you checked in already; report instead", 409)
            if found.state not in LIVE:
                raise QxyError("state", f"the call is {found.state}", 409)
            conn.execute(
                update(call_signups)
                .where(call_signups.c.id == mine.id, call_signups.c.cancelled_at.is_(None))
                .values(cancelled_at=step.at)
            )
            conn.execute(
                update(calls)
                .where(calls.c.id == call_id, calls.c.signed > 0)
                .values(
                    signed=calls.c.signed - 1,
                    state=case((calls.c.state == "full", "open"), else_=calls.c.state),
                    version=calls.c.version + 1,
                )
            )
            after = self._get(conn, call_id)
            self._record(
                step,
                "signup.withdraw",
                mine.id,
                found.community_code,
                person.label,
                mine.state,
                "withdrawn",
                item_kind="signup",
                data=self._numbers(after, after.state),
            )
            if found.state == "full":
                self._record(
                    step,
                    "call.reopen",
                    call_id,
                    found.community_code,
                    person.label,
                    "full",
                    "open",
                    data=self._numbers(after, "open"),
                )
            return self._signup_by_id(conn, mine.id)

    def check_in(self, person: PublicPerson, call_id: int) -> SignUp:
        """On the day: from an hour before the start to the end."""
        with self.platform.writing() as step:
            conn = step.conn
            found = self._get(conn, call_id)
            mine = self._standing(conn, found, person)
            if found.state == "cancelled":
                raise QxyError("state", "the call was cancelled", 409)
            window = check_in_window(found)
            if not window[0] <= step.at <= window[1]:
                raise QxyError("window", "check in from an hour before the start to the end", 409)
            if mine.checked_in_at is not None:
                raise QxyError("already", "you checked in already", 409)
            conn.execute(
                update(call_signups)
                .where(call_signups.c.id == mine.id, call_signups.c.checked_in_at.is_(None))
                .values(checked_in_at=step.at)
            )
            self._record(
                step,
                "signup.check_in",
                mine.id,
                found.community_code,
                person.label,
                "signed",
                "checked_in",
                item_kind="signup",
                data=self._numbers(found, found.state),
            )
            return self._signup_by_id(conn, mine.id)

    def report(
        self, person: PublicPerson, call_id: int, text: object, photos: list[bytes] | None = None
    ) -> SignUp:
        """What they did (after checking in, up to a week after the end): counts as
        reported."""
        said = check_text(text, "text", REPORT_CHARS, required=True)
        with self.platform.writing() as step:
            conn = step.conn
            found = self._get(conn, call_id)
            mine = self._standing(conn, found, person)
            if mine.checked_in_at is None:
                raise QxyError("not_checked_in", "check in on the day first", 409)
            if mine.reported_at is not None:
                raise QxyError("already", "you reported already", 409)
            if step.at > found.ends_at + REPORT_AFTER:
                raise QxyError("late", "reports are taken up to a week after the end", 409)
            done = conn.execute(
                update(call_signups)
                .where(call_signups.c.id == mine.id, call_signups.c.reported_at.is_(None))
                .values(reported_at=step.at, report_text=said)
            ).rowcount
            if done != 1:
                raise QxyError("already", "you reported already", 409)
            conn.execute(
                update(calls)
                .where(calls.c.id == call_id)
                .values(reported=calls.c.reported + 1, version=calls.c.version + 1)
            )
            ids = self.photos.add(step, "signup", mine.id, photos or [], person.label)
            after = self._get(conn, call_id)
            self._record(
                step,
                "signup.report",
                mine.id,
                found.community_code,
                person.label,
                "checked_in",
                "reported",
                item_kind="signup",
                data={**self._numbers(after, after.state), "photos": len(ids)},
            )
            return self._signup_by_id(conn, mine.id)

    # -- helpers --------------------------------------------------------------------------
    def _standing(self, conn: Connection, found: Call, person: PublicPerson) -> SignUp:
        mine = self._mine(conn, found.id, person.id)
        if mine is None or mine.cancelled_at is not None:
            raise QxyError("not_signed", "you are not signed up for this call", 409)
        return mine

    @staticmethod
    def _numbers(found: Call, state: str) -> dict[str, Any]:
        return {
            "call": found.id,
            "wanted": found.wanted,
            "signed": found.signed,
            "reported": found.reported,
            "state": state,
        }

    @staticmethod
    def _record(
        step: Step,
        kind: str,
        item_id: int,
        community_code: str,
        actor: str,
        from_state: str | None,
        to_state: str,
        *,
        item_kind: str = "call",
        reason: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        step.record(
            kind=kind,
            item_kind=item_kind,
            item_id=item_id,
            community_code=community_code,
            actor=actor,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data or {},
        )


class _Skip(Exception):
    """A step found nothing to do: its transaction rolls back (no event, no gap)."""
