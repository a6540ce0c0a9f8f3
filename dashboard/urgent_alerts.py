"""Urgent alerts on the screens, at once: when an urgent case is reported or flagged (the
event's publish, no desk in between), an ``urgent_alert`` goes to the personal room of each
addressed person who has an account and may see the case, and to the center's screens (the
wall, the desks). A screen that connects while a case is still unacknowledged is sent its
alert again, so a banner survives a reload. Phones never ride on a room's alert; the case
view asks for them (``dashboard.urgent_api``), and gets them by ``access.may_see_phones``.

A ``PhoneSender`` sends the addressed people a text too (SMS): in the demo it writes to the
log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any, Protocol

from flask_socketio import SocketIO

from cases import access, metrics, urgent
from cases.catalog import Catalog
from cases.model import Case, Event
from cases.people import Person
from cases.urgent import Addressee

ALERT_EVENT = "urgent_alert"
DESCRIPTION_CHARS = 140
STANDING_S = 2.0  # the longest the standing alerts (or their failure) are reused
STANDING_WAIT_S = 5.0  # the longest a connect waits for another's working-out
RESEND_WAITS_S = (1.0, 2.0, 4.0)  # a failed resend, again after these
log = logging.getLogger(__name__)


class PhoneSender(Protocol):
    def send(self, person: Person, text: str) -> None: ...


class LogSender:
    """The demo's sender: the text goes to the log, never to a phone."""

    def send(self, person: Person, text: str) -> None:
        phone = person.phone[:3] + "****" + person.phone[-4:] if len(person.phone) > 7 else "-"
        log.info("SMS to %s (%s): %s", person.name, phone, text)


def alert_payload(case: Case, catalog: Catalog, now: datetime) -> dict[str, Any]:
    """What a screen shows of an urgent case: the case in brief and its response clock."""
    category = catalog.categories.get(case.category_code)
    clock = urgent.response_clock(case, catalog.urgent_target(case.category_code), now)
    text = case.description
    if len(text) > DESCRIPTION_CHARS:
        text = text[: DESCRIPTION_CHARS - 1] + "…"
    return {
        "case_id": case.id,
        "category": case.category_code,
        "category_zh": category.name_zh if category else case.category_code,
        "category_en": category.name_en if category else case.category_code,
        "place": case.place,
        "cell": case.cell_code,
        "lon": case.lon,
        "lat": case.lat,
        "description": text,
        "status": case.status.value,
        "version": case.version,
        "drill": case.drill,
        "acknowledged": case.acknowledged_at is not None,
        "clock": clock.as_json() if clock else None,
    }


def sms_text(case: Case, catalog: Catalog) -> str:
    category = catalog.categories.get(case.category_code)
    name = category.name_zh if category else case.category_code
    drill = "【演练】" if case.drill else ""
    where = case.place or case.cell_code
    return f"{drill}【紧急】{name} {where} 案件{case.id}，请立即响应并点“收到”。"


class UrgentAlerts:
    """Sends urgent alerts when the store publishes the event that makes a case urgent."""

    def __init__(
        self,
        socketio: SocketIO,
        store: Any,
        roster: urgent.RosterReads,
        users: Any,
        positions: urgent.Nearby | None = None,
        on_patrol: Callable[[], Collection[str]] | None = None,
        sender: PhoneSender | None = None,
    ) -> None:
        self.socketio = socketio
        self.store = store
        self.roster = roster
        self.users = users
        self.positions = positions
        self.on_patrol = on_patrol
        self.sender = sender or LogSender()
        self._working = threading.Lock()
        self._standing: tuple[int, float, list[Any] | Exception] | None = None

    @staticmethod
    def makes_urgent(event: Event) -> bool:
        reported_urgent = event.kind == "case.reported" and bool(event.data.get("urgent"))
        return reported_urgent or event.kind == "case.flag_urgent"

    def publish(self, event: Event) -> None:
        if self.makes_urgent(event):
            self.alert(self.store.get(event.case_id))

    def addressed(self, case: Case) -> list[Addressee]:
        return urgent.gather(case, self.roster, self.positions, self.store.now(), self.on_patrol)

    def alert(self, case: Case) -> list[Addressee]:
        """Alert everyone addressed for ``case`` and the center's screens; returns who."""
        catalog = self.store.catalog
        payload = alert_payload(case, catalog, self.store.now())
        people = self.addressed(case)
        for one in people:
            if self.may_receive(one.person, case):
                personal = {**payload, "why": list(one.why), "personal": True}
                assert one.person.username is not None  # may_receive says so
                self.socketio.emit(
                    ALERT_EVENT, personal, to=access.person_room(one.person.username)
                )
        center = {**payload, "addressed": [a.row(with_phone=False) for a in people]}
        self.socketio.emit(ALERT_EVENT, center, to=access.URGENT_CENTER)
        text = sms_text(case, catalog)
        for one in people:
            if one.person.phone:
                try:
                    self.sender.send(one.person, text)
                except Exception:  # a text that fails leaves the screens' alerts standing
                    log.exception("urgent text to %s not sent", one.person.id)
        return people

    def may_receive(self, person: Person, case: Case) -> bool:
        if person.username is None:
            return False
        user = self.users.get(person.username)
        return user is not None and access.may_receive_alert(user.actor, case)

    def standing(self) -> list[tuple[Case, dict[str, Any], list[Addressee]]]:
        """The alerts still standing: each unacknowledged urgent case, its alert and who is
        addressed. 200 screens reconnecting together after a restart worked it out 200
        times (~90 ms each with 16 alerts standing: 18 s before the last was connected).
        Now the screens connecting meanwhile share one working-out that began after they
        came (its log head at least theirs: nothing acknowledged or reported before a
        screen came is missed), at most ``STANDING_S`` old; a failure is shared for as
        long, so a store or a Redis away costs the screens one wait, not one each."""
        head = self.store.last_seq()  # what this screen must see at least
        kept = self._kept(head)
        if kept is not None:
            return kept
        got_it = self._working.acquire(timeout=STANDING_WAIT_S)  # else work it out alone
        try:
            kept = self._kept(head)
            if kept is not None:
                return kept
            try:
                seen = self.store.last_seq()  # read before the cases: never newer than them
                catalog, now = self.store.catalog, self.store.now()
                made = [
                    (case, alert_payload(case, catalog, now), self.addressed(case))
                    for case in urgent.open_urgent(self.store, unacknowledged=True)
                ]
            except Exception as exc:
                self._standing = (head, time.monotonic(), exc)
                raise
            self._standing = (seen, time.monotonic(), made)
            return made
        finally:
            if got_it:
                self._working.release()

    def _kept(self, head: int) -> list[Any] | None:
        """The standing alerts worked out at ``head`` or later, if fresh (a failure raised
        again)."""
        kept = self._standing
        if kept is None or kept[0] < head or time.monotonic() - kept[1] >= STANDING_S:
            return None
        if isinstance(kept[2], Exception):
            raise kept[2]
        return kept[2]

    def resend(self, sid: str, actor: Any) -> None:
        """A screen just connected: the alerts still standing for it, again. If they could
        not be worked out or sent (the store or Redis away), again in the background a few
        times while the socket stays: a banner is never silently missing."""
        try:
            self._resend(sid, actor)
        except Exception as exc:
            log.warning("urgent alerts not resent to a new screen yet: %s", str(exc)[:200])
            self.socketio.start_background_task(self._resend_later, sid, actor)

    def _resend_later(self, sid: str, actor: Any) -> None:
        for wait in RESEND_WAITS_S:
            self.socketio.sleep(wait)
            if not self.socketio.server.manager.is_connected(sid, "/"):
                return
            try:
                self._resend(sid, actor)
                return
            except Exception as exc:
                log.warning("urgent alerts not resent to a new screen yet: %s", str(exc)[:200])
        metrics.RESEND_FAILURES.inc()
        log.error("urgent alerts never resent to socket %s: its banners wait for a reload", sid)

    def _resend(self, sid: str, actor: Any) -> None:
        if actor is None:
            return
        center = access.may_watch_urgent(actor)
        me = self.roster_person(actor) if access.is_person(actor) else None
        if not center and me is None:
            return
        for case, payload, people in self.standing():
            if center:
                rows = [a.row(with_phone=False) for a in people]
                self.socketio.emit(ALERT_EVENT, {**payload, "addressed": rows}, to=sid)
                continue
            mine = next((a for a in people if me is not None and a.person.id == me.id), None)
            if mine is not None and access.may_receive_alert(actor, case):
                personal = {**payload, "why": list(mine.why), "personal": True}
                self.socketio.emit(ALERT_EVENT, personal, to=sid)

    def roster_person(self, actor: Any) -> Person | None:
        by_username = getattr(self.roster, "by_username", None)
        return by_username(actor.name) if by_username is not None else None
