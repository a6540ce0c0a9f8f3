"""The territory's hierarchy: district → street (街道) → community (社区) → cell (网格).

A cell code has 15 digits: the 6-digit district code (历下区 is ``370102``),
a 3-digit street number, a 3-digit community number within the street and a
3-digit cell number within the community.  The street code is the first 9
digits of its cells' codes and the community code the first 12.  Numbers
start at 001; 000 is not a valid number at any level.

Siblings are numbered in reading order, west → east along a row and rows north
→ south (从左到右、从上到下), see :func:`reading_order`.

Nothing here is geometric beyond that ordering rule, whose coordinates must be
planar metres (gridcc uses UTM 50N, EPSG:32650).
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "CODE_LENGTHS",
    "CODE_PATTERN",
    "DISTRICT_CODE",
    "LEVELS",
    "Level",
    "check_level",
    "code_problem",
    "community_code",
    "level_code",
    "reading_order",
    "street_code",
]

#: Administrative code of 历下区 (Jinan), the bundled district.
DISTRICT_CODE = "370102"

#: A cell code: 6-digit district + 3 street + 3 community + 3 cell digits.
CODE_PATTERN = re.compile(r"^\d{15}$")

Level = Literal["cell", "community", "street"]

#: The map levels, finest first.
LEVELS: tuple[Level, ...] = ("cell", "community", "street")

#: Digits of a code at each level.
CODE_LENGTHS: dict[str, int] = {"cell": 15, "community": 12, "street": 9}


def check_level(level: str) -> Level:
    """Validate a level name.

    Parameters
    ----------
    level : str
        One of ``"cell"``, ``"community"``, ``"street"``.

    Returns
    -------
    str
        The same name, typed as a :data:`Level`.

    Raises
    ------
    ValueError
        For any other name.
    """
    if level not in CODE_LENGTHS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    return level  # type: ignore[return-value]


def street_code(cell_code: str) -> str:
    """Street (街道) part of a cell code: its first 9 digits.

    Parameters
    ----------
    cell_code : str
        A 15-digit cell code.

    Returns
    -------
    str
        The 9-digit street code (district + street).
    """
    return cell_code[:9]


def community_code(cell_code: str) -> str:
    """Community (社区) part of a cell code: its first 12 digits.

    Parameters
    ----------
    cell_code : str
        A 15-digit cell code.

    Returns
    -------
    str
        The 12-digit community code (district + street + community).
    """
    return cell_code[:12]


def level_code(cell_code: str, level: str) -> str:
    """Code of the unit at `level` that holds a cell.

    Parameters
    ----------
    cell_code : str
        A 15-digit cell code.
    level : {"cell", "community", "street"}
        The wanted level.

    Returns
    -------
    str
        The 15-, 12- or 9-digit prefix.
    """
    return cell_code[: CODE_LENGTHS[check_level(level)]]


def code_problem(code: object, district: str | None = None) -> str | None:
    """Say what is wrong with a cell code, if anything.

    Parameters
    ----------
    code : object
        The value found in a grid file.
    district : str, optional
        Expected 6-digit district prefix.

    Returns
    -------
    str or None
        A short English explanation, or None when the code is well formed.
    """
    if code is None or (isinstance(code, float) and np.isnan(code)):
        return "no code"
    if not isinstance(code, str):
        return f"code {code!r} is not a string of digits"
    if not CODE_PATTERN.match(code):
        return f"code {code!r} is not 15 digits"
    for name, part in (("street", code[6:9]), ("community", code[9:12]), ("cell", code[12:])):
        if part == "000":
            return f"code {code} has {name} number 000"
    if district is not None and not code.startswith(district):
        return f"code {code} is not in district {district}"
    return None


def reading_order(
    x: npt.ArrayLike, y: npt.ArrayLike, band: float, top: float | None = None
) -> npt.NDArray[np.intp]:
    """Order points west → east along rows, rows north → south (从左到右、从上到下).

    Rows are horizontal bands of height `band` counted down from `top`; within
    a band points go by increasing x, ties by decreasing y.

    Parameters
    ----------
    x, y : array_like
        Planar coordinates in metres, e.g. representative points of sibling
        units in UTM 50N (EPSG:32650).  y grows northwards.
    band : float
        Row height in the same unit (gridcc uses the square root of the
        siblings' median area, about one unit across).
    top : float, optional
        Northern edge the rows are counted from (default: the largest y).

    Returns
    -------
    numpy.ndarray of intp
        Indices that sort the points in reading order.
    """
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if xs.size == 0:
        return np.zeros(0, dtype=np.intp)
    start = float(ys.max()) if top is None else float(top)
    rows = np.floor((start - ys) / max(float(band), 1e-9)).astype(np.int64)
    return np.lexsort((-ys, xs, rows)).astype(np.intp)
