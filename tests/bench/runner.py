"""Run a bench script as its own process, the way a person runs it, and keep what it printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


def run_bench(name: str, *args: str, timeout: float = 120) -> str:
    """``bench/<name>`` with ``args``; asserts it exited 0 and returns its standard output."""
    done = subprocess.run(
        [sys.executable, str(BENCH / name), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def require_postgres() -> None:
    """The benches make (and drop) a schema of their own: check the server first (a skip
    with its reason on a laptop without one, a failure under CI)."""
    import sqlalchemy as sa

    from tests.conftest import POSTGRES_URL, missing_service

    engine = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:
        missing_service("PostgreSQL", exc)
    finally:
        engine.dispose()
