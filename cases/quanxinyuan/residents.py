"""The public of 泉心愿: residents and volunteers, who sign in with a phone number verified
by a one-time code, never with a staff account.

- ``request_code`` makes a 6-digit code (kept only as a hash), valid 5 minutes, at most one
  a minute and five an hour per phone, and hands it to a ``CodeSender`` (an SMS gateway in
  production; the demo's ``ConsoleSender`` prints it on the server's console).
- ``verify`` takes at most five tries per code; on success it opens a session (the cookie
  holds a random id, the store its hash) and, the first time, records the person with
  their consent to keep the phone (required).
- ``resolve`` is asked on every request; a session ends when signed out or idle 30 days.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sys
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import func, insert, select, update

from cases.clock import as_utc
from cases.quanxinyuan.platform import Platform, QxyError
from cases.quanxinyuan.schema import public_codes, public_people, public_sessions

PHONE = re.compile(r"^1[3-9]\d{9}$")  # a mainland mobile number
CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
CODES_PER_HOUR = 5
TRIES_PER_CODE = 5
SESSION_IDLE = timedelta(days=30)
CONSENT_VERSION = "2026-11"
NAME_CHARS = 32


@dataclass(frozen=True)
class PublicPerson:
    id: int
    phone: str
    name: str
    community_code: str | None
    volunteer: bool
    team_id: str | None

    @property
    def label(self) -> str:
        """As the audit log names them: never by phone."""
        return f"public:{self.id}"

    @property
    def masked_phone(self) -> str:
        return self.phone[:3] + "****" + self.phone[-4:]


class CodeSender(Protocol):
    def send(self, phone: str, code: str) -> None: ...


class ConsoleSender:
    """The demo's sender: the code is printed on the server's console, never texted."""

    def send(self, phone: str, code: str) -> None:
        print(f"gridcc: 泉心愿 one-time code for {phone[:3]}****{phone[-4:]}: {code}", flush=True)
        sys.stdout.flush()


def _hash(phone: str, code: str) -> str:
    return hashlib.sha256(f"{phone}:{code}".encode()).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_phone(phone: object) -> str:
    text = str(phone or "").strip().replace(" ", "").replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    if not PHONE.match(text):
        raise QxyError("phone", "a phone number is 11 digits starting with 1 (a mobile)")
    return text


class Residents:
    def __init__(self, platform: Platform, sender: CodeSender | None = None) -> None:
        self.platform = platform
        self.sender = sender or ConsoleSender()

    # -- codes ----------------------------------------------------------------------------
    def request_code(self, phone: object) -> str:
        """Send a code to ``phone``; returns the normalised phone. Refused (status 429)
        within a minute of the last code, or past five in an hour."""
        number = check_phone(phone)
        now = self.platform.now()
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        with self.platform.engine.begin() as conn:
            recent = conn.execute(
                select(public_codes.c.sent_at)
                .where(
                    public_codes.c.phone == number,
                    public_codes.c.sent_at > now - timedelta(hours=1),
                )
                .order_by(public_codes.c.sent_at.desc())
            ).all()
            if recent and as_utc(recent[0].sent_at) > now - RESEND_AFTER:
                raise QxyError("too_soon", "a code was sent less than a minute ago; wait", 429)
            if len(recent) >= CODES_PER_HOUR:
                raise QxyError("too_many", "five codes were sent this hour; try later", 429)
            conn.execute(
                insert(public_codes).values(
                    phone=number,
                    code_hash=_hash(number, code),
                    sent_at=now,
                    expires_at=now + CODE_TTL,
                    attempts=0,
                )
            )
        self.sender.send(number, code)
        return number

    def verify(
        self, phone: object, code: object, name: str = "", consent: bool = False
    ) -> tuple[str, PublicPerson]:
        """A session token for ``phone`` if ``code`` is its newest live code. A new person
        must consent to the platform keeping their phone."""
        number = check_phone(phone)
        given = str(code or "").strip()
        now = self.platform.now()
        with self.platform.engine.begin() as conn:
            row = conn.execute(
                select(public_codes)
                .where(
                    public_codes.c.phone == number,
                    public_codes.c.used_at.is_(None),
                    public_codes.c.expires_at > now,
                )
                .order_by(public_codes.c.sent_at.desc())
                .limit(1)
            ).first()
            if row is None:
                raise QxyError("no_code", "no live code for this phone; ask for a new one", 400)
            # Every try is counted first, by one conditional update (two parallel guesses
            # cannot both take the last try), and committed before any refusal.
            counted = conn.execute(
                update(public_codes)
                .where(public_codes.c.id == row.id, public_codes.c.attempts < TRIES_PER_CODE)
                .values(attempts=public_codes.c.attempts + 1)
                .returning(public_codes.c.attempts)
            ).first()
        if counted is None:
            raise QxyError("tries", "too many wrong tries; ask for a new code", 429)
        if not hmac.compare_digest(row.code_hash, _hash(number, given)):
            raise _WrongCode(TRIES_PER_CODE - counted.attempts)
        person = self._person(number)
        if person is None and not consent:
            raise QxyError("consent", "agree to the platform keeping your phone number first")
        with self.platform.engine.begin() as conn:
            used = conn.execute(
                update(public_codes)
                .where(public_codes.c.id == row.id, public_codes.c.used_at.is_(None))
                .values(used_at=now)
            ).rowcount
            if used != 1:
                raise QxyError("no_code", "this code was just used; ask for a new one", 400)
            if person is None:
                conn.execute(
                    insert(public_people).values(
                        phone=number,
                        name=_name(name),
                        volunteer=False,
                        consent_at=now,
                        consent_version=CONSENT_VERSION,
                        created_at=now,
                        synthetic=False,
                    )
                )
            token = secrets.token_urlsafe(32)
            pid = conn.execute(
                select(public_people.c.id).where(public_people.c.phone == number)
            ).scalar_one()
            conn.execute(
                insert(public_sessions).values(
                    id_hash=_token_hash(token), person_id=pid, created_at=now, seen_at=now
                )
            )
        found = self.get(pid)
        assert found is not None
        return token, found

    # -- sessions -------------------------------------------------------------------------
    def resolve(self, token: str | None) -> PublicPerson | None:
        if not token:
            return None
        now = self.platform.now()
        digest = _token_hash(token)
        with self.platform.engine.begin() as conn:
            row = conn.execute(
                select(public_sessions).where(
                    public_sessions.c.id_hash == digest,
                    public_sessions.c.ended_at.is_(None),
                    public_sessions.c.seen_at > now - SESSION_IDLE,
                )
            ).first()
            if row is None:
                return None
            if as_utc(row.seen_at) < now - timedelta(minutes=5):
                conn.execute(
                    update(public_sessions)
                    .where(public_sessions.c.id_hash == digest)
                    .values(seen_at=now)
                )
        return self.get(row.person_id)

    def end(self, token: str | None) -> None:
        if not token:
            return
        with self.platform.engine.begin() as conn:
            conn.execute(
                update(public_sessions)
                .where(public_sessions.c.id_hash == _token_hash(token))
                .values(ended_at=self.platform.now())
            )

    # -- people ---------------------------------------------------------------------------
    def get(self, person_id: int) -> PublicPerson | None:
        with self.platform.reading() as conn:
            row = conn.execute(select(public_people).where(public_people.c.id == person_id)).first()
        return _public(row) if row is not None else None

    def _person(self, phone: str) -> PublicPerson | None:
        with self.platform.reading() as conn:
            row = conn.execute(select(public_people).where(public_people.c.phone == phone)).first()
        return _public(row) if row is not None else None

    def update(
        self,
        person_id: int,
        *,
        name: str | None = None,
        community_code: str | None = None,
        volunteer: bool | None = None,
        team_id: str | None = None,
    ) -> PublicPerson:
        values: dict[str, object] = {}
        if name is not None:
            values["name"] = _name(name)
        if community_code is not None:
            if community_code not in self.platform.places.communities:
                raise QxyError("community", f"no community {community_code}")
            values["community_code"] = community_code
        if volunteer is not None:
            values["volunteer"] = bool(volunteer)
        if team_id is not None:
            values["team_id"] = team_id or None
        if values:
            with self.platform.engine.begin() as conn:
                conn.execute(
                    update(public_people).where(public_people.c.id == person_id).values(**values)
                )
        found = self.get(person_id)
        if found is None:
            raise QxyError("not_found", f"no person {person_id}", 404)
        return found

    def count(self) -> int:
        with self.platform.reading() as conn:
            return int(conn.execute(select(func.count()).select_from(public_people)).scalar_one())


def _public(row: object) -> PublicPerson:
    m = row._mapping  # type: ignore[attr-defined]
    return PublicPerson(
        m["id"], m["phone"], m["name"], m["community_code"], bool(m["volunteer"]), m["team_id"]
    )


class _WrongCode(QxyError):
    def __init__(self, left: int) -> None:
        super().__init__("wrong_code", f"wrong code; {max(left, 0)} tries left", 400)


def _name(name: str) -> str:
    text = "".join(ch for ch in str(name or "") if ch.isprintable()).strip()
    if len(text) > NAME_CHARS:
        raise QxyError("name", f"a name has at most {NAME_CHARS} characters")
    return text
