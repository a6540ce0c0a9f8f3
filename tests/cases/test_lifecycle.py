import pytest

from cases.model import TRANSITIONS, InvalidTransition, Status, check_transition

ALLOWED = [
    (Status.REPORTED, Status.FILED),
    (Status.FILED, Status.DISPATCHED),
    (Status.DISPATCHED, Status.HANDLED),
    (Status.HANDLED, Status.CLOSED),
    (Status.REPORTED, Status.VOID),
    (Status.FILED, Status.VOID),
]


@pytest.mark.parametrize(("current", "wanted"), ALLOWED)
def test_allowed_moves(current: Status, wanted: Status) -> None:
    check_transition(1, current, wanted)


REFUSED = [
    (current, wanted) for current in Status for wanted in Status if (current, wanted) not in ALLOWED
]


@pytest.mark.parametrize(("current", "wanted"), REFUSED)
def test_every_other_move_is_refused(current: Status, wanted: Status) -> None:
    with pytest.raises(InvalidTransition) as err:
        check_transition(7, current, wanted)
    assert "case 7" in str(err.value)
    assert current.value in str(err.value)


def test_table_covers_every_state_and_closed_states_are_final() -> None:
    assert set(TRANSITIONS) == set(Status)
    assert not TRANSITIONS[Status.CLOSED]
    assert not TRANSITIONS[Status.VOID]
    assert Status.CLOSED.is_open is False
    assert Status.DISPATCHED.is_open is True
