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

from sqlalchemy import insert, select, update

from cases.quanxinyuan import access
from cases.quanxinyuan.call_model import (
    LIVE,
    Call,
    SignUp,
    actor_label,
    check_in_window,
    check_position,
    check_text,
    check_time,
)
from cases.quanxinyuan.call_signups import SignUpSteps
from cases.quanxinyuan.platform import QxyError, Stale
from cases.quanxinyuan.schema import calls, volunteer_teams

__all__ = ["LIVE", "Call", "Calls", "SignUp", "check_in_window"]

STATES = ("open", "full", "done", "cancelled")
MAX_WANTED = 500
TASK_CHARS = 128
PLACE_CHARS = 128
TEXT_CHARS = 2000
MAX_LENGTH = timedelta(days=7)  # a call lasts at most a week


class Calls(SignUpSteps):
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


class _Skip(Exception):
    """A step found nothing to do: its transaction rolls back (no event, no gap)."""
