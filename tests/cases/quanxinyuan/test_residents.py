"""The public's sign-in by phone: codes, tries, consent, sessions; and the platform's log."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from cases.quanxinyuan import log
from cases.quanxinyuan.platform import Platform, QxyError
from cases.quanxinyuan.residents import CODES_PER_HOUR, TRIES_PER_CODE, Residents
from cases.quanxinyuan.schema import public_codes

PHONE = "13800138000"


def test_a_code_signs_in_once_with_consent(residents: Residents, outbox: Any, clock: Any) -> None:
    assert residents.request_code("138 0013 8000") == PHONE
    code = outbox.last(PHONE)
    with pytest.raises(QxyError) as refused:
        residents.verify(PHONE, code, name="王阿姨", consent=False)
    assert refused.value.problem == "consent"
    token, person = residents.verify(PHONE, code, name="王阿姨", consent=True)
    assert (
        person.name == "王阿姨" and person.phone == PHONE and person.label == f"public:{person.id}"
    )
    assert residents.resolve(token) == person
    with pytest.raises(QxyError) as again:
        residents.verify(PHONE, code)  # a code is used once
    assert again.value.problem == "no_code"
    # A known person needs no new consent; the next code opens a second session.
    clock.move(seconds=61)
    residents.request_code(PHONE)
    token2, same = residents.verify(PHONE, outbox.last(PHONE))
    assert same.id == person.id and token2 != token
    residents.end(token)
    assert residents.resolve(token) is None and residents.resolve(token2) == person
    assert residents.resolve("made-up") is None and residents.count() == 1


def test_codes_are_rationed_and_expire(residents: Residents, outbox: Any, clock: Any) -> None:
    residents.request_code(PHONE)
    with pytest.raises(QxyError) as soon:
        residents.request_code(PHONE)
    assert soon.value.problem == "too_soon" and soon.value.status == 429
    for _ in range(CODES_PER_HOUR - 1):
        clock.move(seconds=61)
        residents.request_code(PHONE)
    clock.move(seconds=61)
    with pytest.raises(QxyError) as many:
        residents.request_code(PHONE)
    assert many.value.problem == "too_many"
    assert len(outbox.sent) == CODES_PER_HOUR
    clock.move(minutes=6)  # every code is past its 5 minutes
    with pytest.raises(QxyError) as expired:
        residents.verify(PHONE, outbox.last(PHONE), consent=True)
    assert expired.value.problem == "no_code"


def test_wrong_tries_end_a_code(residents: Residents, outbox: Any, platform: Platform) -> None:
    residents.request_code(PHONE)
    code = outbox.last(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(TRIES_PER_CODE):
        with pytest.raises(QxyError) as refused:
            residents.verify(PHONE, wrong, consent=True)
        assert refused.value.problem == "wrong_code"
    with pytest.raises(QxyError) as ended:
        residents.verify(PHONE, code, consent=True)  # even the right one, now
    assert ended.value.problem == "tries"
    with platform.reading() as conn:
        stored = conn.execute(select(public_codes.c.code_hash)).scalar_one()
    assert code not in stored  # kept only as a hash


@pytest.mark.parametrize("phone", ["", "12345", "23800138000", "1380013800a", None, "138001380001"])
def test_a_phone_is_a_mobile_number(residents: Residents, phone: Any) -> None:
    with pytest.raises(QxyError) as refused:
        residents.request_code(phone)
    assert refused.value.problem == "phone"


def test_steps_are_events_in_order_published_after_commit(platform: Platform) -> None:
    seen: list[log.QxyEvent] = []
    platform.subscribe(seen.append)
    fields = {"item_kind": "wish", "item_id": 1, "community_code": "370102009001"}
    with platform.writing() as step:
        step.record(kind="wish.publish", actor="x", to_state="open", **fields)
        step.record(kind="wish.photo", actor="x", to_state="open", **fields)
        assert seen == []  # not before the commit
    with pytest.raises(RuntimeError), platform.writing():
        pass  # a step without an event is refused (its number would be a gap)
    with pytest.raises(ZeroDivisionError), platform.writing() as failed:
        failed.record(kind="wish.claim", actor="x", to_state="claimed", **fields)
        _ = 1 / 0
    with platform.writing() as step:
        step.record(kind="wish.claim", actor="y", to_state="claimed", **fields)
    with platform.reading() as conn:
        kept = log.of_item(conn, "wish", 1)
    assert [e.seq for e in kept] == [1, 2, 3] and [e.seq for e in seen] == [1, 2, 3]
    assert [e.kind for e in kept] == ["wish.publish", "wish.photo", "wish.claim"]
