"""Who may read the roster, see a person's phone and change the roster: the access policy's
answers (cases/access.py), role by role, keys apart."""

from __future__ import annotations

import pytest

from cases import access
from cases.workflow import Actor, Role

# role: (sees phones, edits the roster); every role reads the roster
EXPECTED = {
    Role.OPERATOR: (True, False),
    Role.LEAD: (True, False),
    Role.ADMIN: (True, True),
    Role.WORKER: (False, False),
    Role.LIAISON: (False, False),
    Role.WALL: (False, False),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_on_the_roster(role: Role) -> None:
    actor = Actor("someone", role, department="chengguan" if role is Role.LIAISON else None)
    phones, edits = EXPECTED[role]
    assert access.may_read_roster(actor)
    assert access.may_see_phones(actor) is phones
    assert access.may_see_phone_of(actor, "another") is phones
    assert access.may_edit_roster(actor) is edits


@pytest.mark.parametrize("role", [Role.WORKER, Role.LIAISON, Role.WALL])
def test_a_person_always_sees_their_own_phone(role: Role) -> None:
    me = Actor("gw", role, department="chengguan" if role is Role.LIAISON else None)
    assert access.may_see_phone_of(me, "gw")
    assert not access.may_see_phone_of(me, None)  # a person with no account is nobody's own


def test_keys_and_strangers() -> None:
    for scope in access.KEY_SCOPES:
        key = access.key_actor(
            "k", scope, "chengguan" if scope == access.DEPARTMENT_SCOPE else None
        )
        assert not access.may_see_phones(key) and not access.may_edit_roster(key)
        # A key named like a person's account is still not that person.
        assert not access.may_see_phone_of(key, key.name)
    assert not access.may_read_roster(access.key_actor("k", access.INTAKE_SCOPE))  # a system
    assert not access.may_read_roster(None) and not access.may_see_phone_of(None, "gw")
    assert not access.may_edit_roster(Actor("key:admin", Role.ADMIN, scope="wall"))
