"""Progress bars for long grid work (tqdm on stderr, silent when not wanted).

Library functions take ``progress: bool``; the CLI turns it on.  When tqdm is
not installed the bars are simply not drawn.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["steps"]

T = TypeVar("T")


def steps(
    items: Iterable[T], desc: str, *, total: int | None = None, enabled: bool = False
) -> Iterator[T]:
    """Iterate over `items`, drawing a progress bar on stderr when `enabled`.

    Parameters
    ----------
    items : iterable
        What to iterate over.
    desc : str
        Label shown before the bar.
    total : int, optional
        Number of items when `items` has no ``len``.
    enabled : bool, optional
        Draw the bar (default False: plain iteration).

    Yields
    ------
    object
        The items, unchanged.
    """
    if not enabled:
        yield from items
        return
    try:
        from tqdm import tqdm
    except ImportError:  # optional: no bar, same work
        yield from items
        return
    # disable=None: tqdm draws only when stderr is a terminal, not into logs.
    bar = tqdm(items, desc=desc, total=total, file=sys.stderr, leave=False, disable=None)
    yield from bar
