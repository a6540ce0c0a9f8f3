"""微志愿's volunteer steps: sign up (never over-booking), withdraw, check in on the day,
report what they did; and the steps' shared helpers. ``calls.Calls`` adds the community's
steps on top (see its docstring for the states)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, case, insert, update
from sqlalchemy.exc import IntegrityError

from cases.quanxinyuan.call_model import LIVE, Call, CallReads, SignUp, check_in_window, check_text
from cases.quanxinyuan.photos import QxyPhotos
from cases.quanxinyuan.platform import Platform, QxyError, Step
from cases.quanxinyuan.residents import PublicPerson
from cases.quanxinyuan.schema import call_signups, calls

REPORT_CHARS = 1000
REPORT_AFTER = timedelta(days=7)  # what they did may be reported up to a week after the end


class SignUpSteps(CallReads):
    def __init__(self, platform: Platform, photos: QxyPhotos) -> None:
        self.platform = platform
        self.photos = photos

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
