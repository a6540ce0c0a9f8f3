"""Tests for geo.hierarchy: code parts, code problems, the numbering order."""

import numpy as np
import pytest

from geo.hierarchy import code_problem, level_code, reading_order


def test_level_code() -> None:
    code = "370102011003012"
    assert level_code(code, "cell") == code
    assert level_code(code, "community") == "370102011003"
    assert level_code(code, "street") == "370102011"
    with pytest.raises(ValueError):
        level_code(code, "block")


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        (None, "no code"),
        (float("nan"), "no code"),
        (370102001001001, "not a string"),
        ("37010200100100", "not 15 digits"),
        ("37010200100100x", "not 15 digits"),
        ("370102000001001", "street number 000"),
        ("370102001000001", "community number 000"),
        ("370102001001000", "cell number 000"),
        ("370103001001001", "not in district 370102"),
    ],
)
def test_code_problem(code: object, fragment: str) -> None:
    problem = code_problem(code, district="370102")
    assert problem is not None
    assert fragment in problem


def test_good_code_has_no_problem() -> None:
    assert code_problem("370102001001001", district="370102") is None
    assert code_problem("110101001001001") is None


def test_reading_order_rows_north_to_south_then_west_to_east() -> None:
    # Two rows of height 10 counted from y = 100; within a row, west first.
    x = np.array([5.0, 1.0, 30.0, 2.0, 20.0])
    y = np.array([95.0, 91.0, 98.0, 85.0, 82.0])
    order = reading_order(x, y, band=10.0, top=100.0)
    assert order.tolist() == [1, 0, 2, 3, 4]
    # A point a little lower but in the same row still goes by x.
    assert reading_order([3.0, 1.0], [99.0, 90.5], band=10.0, top=100.0).tolist() == [1, 0]
    assert reading_order([], [], band=1.0).tolist() == []
