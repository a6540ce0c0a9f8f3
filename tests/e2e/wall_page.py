"""What the wall's browser tests read from the page: ticker rows as they appear, the
colour the map shows at a point, and a bounded wait for what a paint will show."""

from __future__ import annotations

import io
import time
from typing import Any

from PIL import Image


def error_text(exc: Any) -> str:
    """A page's uncaught error as a test records it: the message and where it was thrown
    (a flake is diagnosed from its stack, not its message alone)."""
    stack = (getattr(exc, "stack", "") or "").splitlines()[1:6]
    return "\n".join([str(exc), *stack])


RECORD_ROWS = """() => {
  window.__rows = [];
  const list = document.getElementById('ticker');
  new MutationObserver(ms => {
    const t = performance.timeOrigin + performance.now();
    for (const m of ms) for (const n of m.addedNodes)
      if (n.dataset && n.dataset.case) window.__rows.push([Number(n.dataset.case), t]);
  }).observe(list, {childList: true});
}"""


# The map's HTML overlays (street names over the cells, the legend, the hover card) hidden
# while a shape's colour is read: the canvas's pixels, not a label's.
NO_OVERLAYS = ".map-labels, .map-legend, .map-card { visibility: hidden !important; }"


def cell_pixel(page: Any, lon: float, lat: float) -> tuple[int, int, int]:
    """The colour the map actually shows at (lon, lat): read from a screenshot."""
    x, y = page.evaluate(
        "([lon, lat]) => window.gridcc.wall.map.view.pagePoint(lon, lat)", [lon, lat]
    )
    png = page.screenshot(clip={"x": x - 1, "y": y - 1, "width": 3, "height": 3}, style=NO_OVERLAYS)
    img = Image.open(io.BytesIO(png)).convert("RGB").resize((1, 1), Image.Resampling.BOX)
    r, g, b = img.getpixel((0, 0))  # type: ignore[misc]
    return int(r), int(g), int(b)


def eventually(read: Any, expected: Any, timeout_s: float = 20.0) -> Any:
    """Read until ``read()`` gives ``expected`` (a paint lands when the machine gets to it;
    never a fixed sleep), then return it; after ``timeout_s`` return what it last gave."""
    deadline = time.monotonic() + timeout_s
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.1)
        value = read()
    return value
