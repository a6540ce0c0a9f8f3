"""bench/locate.py keeps working: a smoke run at its smallest size, no timing assertions."""

from tests.bench.runner import run_bench


def test_bench_locate_quick() -> None:
    out = run_bench("locate.py", "--quick", "--cells", "300")
    assert "locate_many:" in out
    assert "points/s" in out
    assert "ratio locate_many / per-point locate:" in out
    assert "results agree: True" in out
