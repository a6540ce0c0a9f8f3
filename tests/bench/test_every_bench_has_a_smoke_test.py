"""Every bench/*.py is run by a smoke test in tests/bench/, so none can rot unseen."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.runner import BENCH

HERE = Path(__file__).resolve().parent
BENCHES = sorted(path.name for path in BENCH.glob("*.py") if not path.name.startswith("_"))


def smoke_tests_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(HERE.glob("test_*.py")))


def test_there_are_benches() -> None:
    assert BENCHES, f"no bench/*.py found under {BENCH}"


@pytest.mark.parametrize("name", BENCHES)
def test_bench_has_a_smoke_test(name: str) -> None:
    assert f'run_bench("{name}"' in smoke_tests_text(), (
        f"bench/{name} has no smoke test: add tests/bench/test_{name[:-3]}_smoke.py calling "
        f'run_bench("{name}", …) at its smallest size'
    )
