"""A drill of the urgent fast path: a marked test case that runs the same path (the same
alerts, marked 演练/DRILL, the same response clock) and counts in no rate or counter.

Opened by ``gridcc drill`` or a shift lead's button; never by the intake, so no report
from outside can hide itself from the rates.
"""

from __future__ import annotations

import uuid
from typing import Any

from cases.model import CaseError, Report

DEFAULT_CATEGORY = "AQ03"  # 电动车楼道充电: a fire hazard, the article's 8 minutes
DRILL_SOURCE = "drill"


def drill_report(grid: Any, cell: str | None, category: str, catalog: Any) -> Report:
    """A drill's report at ``cell`` (None: the grid's first cell), of ``category``."""
    if category not in catalog.categories:
        raise CaseError(f"no category {category[:16]!r}", f"没有事项 {category[:16]}")
    code = cell or grid.codes[0]
    try:
        index = grid.index_of(code)
    except KeyError:
        raise CaseError(f"no grid cell {code[:15]!r}", f"没有网格 {code[:15]}") from None
    point = grid.geometries[index].representative_point()
    name = catalog.categories[category].name_zh
    return Report(
        source=DRILL_SOURCE,
        category_code=category,
        description=f"【演练 DRILL】{name}：紧急处置演练，非真实警情",
        lon=float(point.x),
        lat=float(point.y),
        cell_code=code,
        place=grid.names[index],
        external_id=f"drill-{uuid.uuid4().hex[:16]}",
        drill=True,
    )
