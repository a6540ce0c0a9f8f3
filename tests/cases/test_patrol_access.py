"""Who may patrol, in the one access policy: a grid worker signed in as a person, linked to
a roster person who walks the grid; every other role, kind or key is refused. The phone
page is a grid worker's own page, where they land after signing in."""

from __future__ import annotations

import pytest

from cases import access
from cases.people import KINDS
from cases.workflow import Actor, Role


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("kind", [*KINDS, None])
def test_only_a_grid_worker_linked_as_one_may_patrol(role: Role, kind: str | None) -> None:
    allowed = role is Role.WORKER and kind == "grid_worker"
    assert access.may_patrol(Actor("someone", role), kind) is allowed


def test_a_key_never_patrols() -> None:
    key = Actor("key:app", Role.WORKER, scope="intake")
    assert not access.may_patrol(key, "grid_worker")
    assert not access.may_patrol(None, "grid_worker")


def test_the_patrol_page_is_the_workers_own() -> None:
    for role in Role:
        actor = Actor("someone", role, "chengguan" if role is Role.LIAISON else None)
        assert access.may_view_page(actor, "patrol") is (role is Role.WORKER)
    assert access.home_page(Actor("w", Role.WORKER)) == "patrol"
    assert not access.may_view_page(Actor("key:w", Role.WORKER, scope="wall"), "patrol")
