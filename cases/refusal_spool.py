"""Refusals kept while the store is away: each is one JSON line in a file of this process's
own, fsynced before the caller is answered, and moved into the store by the next refusal
recorded once the store is back. A refusal is never lost because the database was down."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

PENDING = "refusals-*.jsonl"


class RefusalSpool:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def keep(self, at: datetime, reason: str, detail: str, body: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"at": at.isoformat(), "reason": reason, "detail": detail, "body": body},
            ensure_ascii=False,
        )
        path = self.directory / f"refusals-{os.getpid()}.jsonl"
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())

    def waiting(self) -> bool:
        return self.directory.is_dir() and any(self.directory.glob(PENDING))

    def drain(self, write: Callable[[list[dict[str, Any]]], None]) -> int:
        """Hand every kept refusal to ``write`` (one transaction per file); returns how many.
        A file is taken by renaming it, so two processes never move the same one; if
        ``write`` fails the file goes back, whole, to be moved next time."""
        moved = 0
        for path in sorted(self.directory.glob(PENDING)) if self.directory.is_dir() else []:
            taken = path.with_name(f"draining-{uuid.uuid4().hex}.jsonl")
            try:
                path.rename(taken)
            except FileNotFoundError:
                continue  # another process took it
            rows = list(_rows(taken))
            try:
                write(rows)
            except Exception:
                taken.rename(self.directory / f"refusals-back-{uuid.uuid4().hex}.jsonl")
                raise
            taken.unlink()
            moved += len(rows)
        return moved


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                row["at"] = datetime.fromisoformat(row["at"])
                yield row
