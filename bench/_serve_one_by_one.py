"""``gridcc serve`` as it published before coalescing, for bench/fanout.py's baseline: the
outbox hands the hub one event at a time (batch 1, no gathering after a wake), so each
socket gets one frame per event, as it did when every commit emitted its own event.

    python bench/_serve_one_by_one.py [gridcc serve's options]   # settings: the environment

Only the outbox's batch is changed (on the class, before the app builds its outbox); the
server, the hub and the fan-out are gridcc serve's own.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cases import outbox

built = outbox.Outbox.__init__


def one_at_a_time(self: outbox.Outbox, *args: Any, **kwargs: Any) -> None:
    built(self, *args, **kwargs)
    self.batch = 1
    self.gather = 0.0


outbox.Outbox.__init__ = one_at_a_time  # type: ignore[method-assign]

if __name__ == "__main__":
    import cli

    cli.main(["serve", *sys.argv[1:]])
