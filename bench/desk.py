"""Benchmark: the desks' lists at 10,000, 100,000 and 1,000,000 cases, and a reassign of 50
cases reaching a second screen — against baselines measured in the same run.

    .venv/bin/python bench/desk.py [--sizes 10000,100000,1000000] [--backend sqlite|postgres|both]

Each size gets a fresh store (a SQLite file; a PostgreSQL schema of its own, dropped
afterwards) bulk-loaded with a year of synthetic cases (bench/_kpi_cases.py) whose open work
is held at 3,000 cases at every size (bench/_desk_cases.py): the history grows, the backlog
does not, so a list that slows down is one that reads the history. Cells are the bundled
grid's 1,094, departments the catalog's. What is asked is the worst of each kind: the cell
with the most open cases, a lasso of the 50 busiest cells, the department with the most
open cases (its liaison's page by deadline, filtered by its busiest category and by
overdue), and the operators' queue; and, shown without a target, the liaison's history
(open=0: closed cases too).

Each list is timed three ways: ``Store.list_cases`` / ``Store.desk_queue`` (store); the
same two statements (``cases.lists.list_statements``: count to the cap, page) through the
raw driver (raw SQL: the floor of the query itself); and the HTTP route through the Flask
test client, signed in as the role that asks (GET /api/cases?cell=…, GET /api/cases as the
liaison, GET /api/queue). Baselines that do not depend on the number of cases: a
primary-key lookup through the raw driver, and GET /api/me (a signed-in request that reads
nothing else). Figures are the median and p95 of ``--repeat`` runs after ``--warmup``;
"big ÷ small" is the largest size's median over the smallest's (flat: about the baselines'
own ratio, which shows how much the machine itself changed between the sizes).

Then, at the largest size, the app is served (``gridcc serve``, production mode, in-process
fan-out) on the same store and a shift lead reassigns 50 dispatched cases in one request
(POST /api/cases/actions/reassign), ``--rounds`` times back and forth, while a second
lead's socket and the old department's liaison's socket (python-socketio, websocket) wait
for the 50 events. The baseline is a one-case reassign (POST
/api/cases/<id>/actions/reassign) until its event arrives.

tests/bench/test_desk_smoke.py runs it at 2,000 and 4,000 cases (about 25 s a backend).
A full run takes 10-12 minutes on 2 cores (loading a million cases: 80-190 s a backend).

Measured 2026-11-30, two full runs, 2 cores shared with other work (load 5-8: trust the
ratios). Median ms at 1,000,000 cases: HTTP (store; raw SQL), and HTTP 1M ÷ 10k:

    read                 SQLite 1M                     ÷10k   PostgreSQL 1M              ÷10k
    cell list            6-8    (7-11;   0.3)     0.5-1.8×   12-20 (4-7;    0.7-1.1)  1.1-2.1×
    lasso of 50 cells    16-17  (12-32;  3-13)    0.8-1.9×   19-39 (11-14;  3-12)     1.3-1.4×
    liaison page         12-18  (11-15;  1)       0.7-2.3×   16-49 (7-17;   4-6)      0.8-2.4×
    liaison, category    21-29  (11-51;  7-24)    1.4-2.2×   19-21 (5-15;   2-6)      0.9-1.2×
    liaison, overdue     16-18  (6-12;   1)       0.9-2.6×   15-32 (8-16;   4-6)      0.8-2.1×
    operators' queue     19-30  (10;     0.5-2)   1.1-2.2×   19-23 (7-15;   2-5)      1.1-1.6×
    baseline /api/me     6-7                      3.0-3.3×   6-7                      1.3-2.7×
    liaison, history     153-185 (172-297; 107-166) 9-10×    312-352 (256-398; 336-354) 12-17×

Every open list answers well under 150 ms and moves with the baseline. On SQLite the raw
lasso and category reads grow 3-10× (2 → 13-24 ms): the rows read are the same, but they
are fetched from an 800 MB file through SQLite's 2 MB page cache (PRAGMA mmap_size or a
larger cache_size brings them back to 2-5 ms; not set here). The history is not flat: it
sorts the department's 421,081 cases (see cases/schema.py on why no index is added for it).

Reassign of 50 at 1,000,000 cases (ms, median of 5 rounds; max):
    SQLite:     one case → its event 9-13; 50 → 50th event on both screens 261-313 (max 1,228)
    PostgreSQL: one case → its event 16-27; 50 → 50th event 588-1,050 (max 1,246)
Each case of the 50 is its own write (13 statements) and read-back (3), ~20 round trips;
PostgreSQL pays ~12-21 ms a case on this loaded machine, so the second screen sees the
50th event at 0.6 s in the quieter run and 1.05 s in the busier one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

# The bench's own helpers sit beside it (bench/ is no package: it runs as a script).
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _desk_cases import Asked, Columns, asked, desk_cases  # noqa: E402
from _desk_live import SECRET, LiveResult, Users, reassign_live, served  # noqa: E402
from _kpi_cases import NOW, load  # noqa: E402
from _stores import analyze, postgres_schema  # noqa: E402
from sqlalchemy import Engine, Select  # noqa: E402

from cases.access import CaseView  # noqa: E402
from cases.db import make_engine  # noqa: E402
from cases.lists import CasePage, CaseQuery, desk_query, list_statements  # noqa: E402
from cases.model import Status  # noqa: E402
from cases.store import Store  # noqa: E402
from cases.users import UserDirectory  # noqa: E402
from cases.workflow import Role  # noqa: E402

POSTGRES_URL = os.environ.get(
    "GRIDCC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
FULL_SIZES = (10_000, 100_000, 1_000_000)
PASSWORD = "bench-desk-password-7"
WAYS = ("store", "raw SQL", "HTTP")
BASELINES = ("baseline: pk lookup|raw SQL", "baseline: GET /api/me|HTTP")
TARGET_MS = 150.0  # issue 9: each list answers in ≤ 150 ms at the median
LIVE_TARGET_MS = 1000.0  # … and a reassign of 50 reaches a second browser in under a second


@dataclass(frozen=True)
class Read:
    name: str
    view: CaseView
    query: CaseQuery
    who: str  # the user the HTTP route is asked as
    url: str
    target: bool = True  # an open list: ≤ 150 ms and flat; False: the history, shown only


def reads(a: Asked) -> list[Read]:
    everyone, theirs = CaseView(), CaseView(a.department)
    cells = ",".join(a.lasso)
    return [
        Read("cell list", everyone, CaseQuery(cells=[a.cell]), "lead", f"/api/cases?cell={a.cell}"),
        Read(
            "lasso of 50 cells",
            everyone,
            CaseQuery(cells=a.lasso),
            "lead",
            f"/api/cases?cell={cells}",
        ),
        Read("liaison page", theirs, CaseQuery(), "liaison", "/api/cases"),
        Read(
            "liaison, category",
            theirs,
            CaseQuery(categories=[a.category]),
            "liaison",
            f"/api/cases?category={a.category}",
        ),
        Read(
            "liaison, overdue",
            theirs,
            CaseQuery(risks=["overdue"]),
            "liaison",
            "/api/cases?risk=overdue",
        ),
        Read("operators' queue", everyone, desk_query(), "op", "/api/queue"),
        Read(
            "liaison, history",
            theirs,
            CaseQuery(open_only=False),
            "liaison",
            "/api/cases?open=0",
            target=False,
        ),
    ]


# -- timing -------------------------------------------------------------------------------------
def timed(run: Callable[[], object], repeat: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]


@dataclass
class SizeResult:
    cases: int
    asked: Asked
    load_s: float = 0.0
    ms: dict[str, list[float]] = field(default_factory=dict)  # figure → timed runs
    live: LiveResult | None = None


def raw_sql(engine: Engine, statements: tuple[Select[Any], ...]) -> Callable[[], object]:
    """The statements as the raw driver runs them: no SQLAlchemy, no rows made into cases."""
    texts = [
        str(s.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
        for s in statements
    ]
    raw = engine.raw_connection()

    def run() -> object:
        cursor = raw.cursor()
        for text in texts:
            cursor.execute(text)
            cursor.fetchall()
        cursor.close()
        raw.rollback()
        return None

    return run


def time_store(store: Store, result: SizeResult, repeat: int, warmup: int) -> None:
    engine = store.engine
    for read in reads(result.asked):
        run: Callable[[], CasePage] = (
            store.desk_queue
            if read.who == "op"
            else partial(store.list_cases, read.view, read.query)
        )
        assert run().cases, f"{read.name}: nothing listed"
        result.ms[f"{read.name}|store"] = timed(run, repeat, warmup)
        statements = list_statements(read.view, read.query, store.now())
        result.ms[f"{read.name}|raw SQL"] = timed(raw_sql(engine, statements), repeat, warmup)
    ids = iter(range(1, 10**9))
    n = result.cases

    def pk_lookup() -> object:
        # a different case each time, spread over the table
        cursor = raw.cursor()
        cursor.execute(f"SELECT * FROM cases WHERE id = {next(ids) * 7919 % n + 1}")
        cursor.fetchall()
        cursor.close()
        raw.rollback()
        return None

    raw = engine.raw_connection()
    result.ms["baseline: pk lookup|raw SQL"] = timed(pk_lookup, repeat, warmup)
    raw.close()


def time_http(url: str, tmp: Path, result: SizeResult, repeat: int, warmup: int) -> None:
    from app import Settings, create_app

    settings = Settings.from_env(
        {}, database_url=url, gridcc_env="production", secret_key=SECRET, spool_dir=str(tmp)
    )
    g = create_app(settings)
    try:
        clients = {}
        for who in ("op", "lead", "liaison"):
            client = g.server.test_client()
            r = client.post("/api/login", json={"username": who, "password": PASSWORD})
            assert r.status_code == 200, r.get_data(as_text=True)
            clients[who] = client

        def get(who: str, path: str) -> Callable[[], object]:
            def run() -> object:
                r = clients[who].get(path)
                assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True))
                return r.get_data()

            return run

        for read in reads(result.asked):
            result.ms[f"{read.name}|HTTP"] = timed(get(read.who, read.url), repeat, warmup)
        result.ms["baseline: GET /api/me|HTTP"] = timed(get("op", "/api/me"), repeat, warmup)
    finally:
        g.close()


def add_users(engine: Engine, department: str) -> None:
    users = UserDirectory(engine)
    users.add("op", Role.OPERATOR, PASSWORD)
    users.add("lead", Role.LEAD, PASSWORD)
    users.add("lead2", Role.LEAD, PASSWORD)
    users.add("liaison", Role.LIAISON, PASSWORD, department=department)


def movable(store: Store, department: str, n: int) -> list[tuple[int, int]]:
    """``n`` cases of ``department`` a lead may reassign: (id, version)."""
    query = CaseQuery(statuses=[Status.DISPATCHED, Status.ACCEPTED], limit=n)
    page = store.list_cases(CaseView(department), query)
    if len(page.cases) < n:
        raise RuntimeError(f"only {len(page.cases)} dispatched cases of {department}")
    return [(c.id, c.version) for c in page.cases]


@contextmanager
def fresh_store(backend: str, tmp: Path, size: int, postgres_url: str) -> Iterator[str]:
    if backend == "postgresql":
        with postgres_schema(postgres_url) as url:
            yield url
    else:
        db = tmp / f"desk-{size}.db"
        try:
            yield f"sqlite:///{db}"
        finally:
            for path in tmp.glob(f"desk-{size}.db*"):
                path.unlink()


def run_size(
    backend: str, columns: Columns, args: argparse.Namespace, tmp: Path, live: bool
) -> SizeResult:
    size = len(columns["status"])
    result = SizeResult(size, asked(columns))
    with fresh_store(backend, tmp, size, args.postgres_url) as url:
        engine = make_engine(url)
        try:
            store = Store(engine, now=lambda: NOW)
            store.create_schema()
            started = time.perf_counter()
            load(engine, columns)
            analyze(engine, "cases")
            result.load_s = time.perf_counter() - started
            add_users(engine, result.asked.department)
            print(f"{backend}: {size:,} cases loaded in {result.load_s:.1f} s", flush=True)
            time_store(store, result, args.repeat, args.warmup)
            cases = movable(store, result.asked.department, 50 + args.singles)
            home = result.asked.department
            other = next(d for d in sorted(store.catalog.departments) if d != home)
        finally:
            engine.dispose()
        time_http(url, tmp, result, args.repeat, args.warmup)
        if live and args.rounds:
            users = Users(PASSWORD, "lead", "lead2", "liaison")
            with served(url, tmp / "spool", tmp / f"serve-{size}.log") as base:
                result.live = reassign_live(
                    base, users, cases, home, other, args.rounds, args.singles
                )
    return result


# -- report -------------------------------------------------------------------------------------
def cell(times: list[float]) -> str:
    return f"{statistics.median(times):8.1f} ({p95(times):6.1f})"


def report(backend: str, results: list[SizeResult]) -> list[str]:
    # tests/bench/test_desk_smoke.py reads these lines: keep their wording.
    small, big = results[0], results[-1]
    width = 18
    head = "".join(f"{r.cases:>{width},}" for r in results)
    lines = [f"== {backend}: median ms (p95) by cases in the store"]
    for r in results:
        a = r.asked
        lines.append(
            f"  at {r.cases:>9,}: load {r.load_s:6.1f} s; open {a.open_cases:,}; busiest cell "
            f"{a.cell} {a.cell_open} open; {a.department} {a.department_open:,} open of "
            f"{a.department_all:,}; queue {a.queue:,}"
        )
    lines.append(f"  {'':<36}{head}{'big ÷ small':>13}   ≤ {TARGET_MS:.0f} ms")
    targets = {read.name: read.target for read in reads(big.asked)}
    keys = [f"{name}|{way}" for name in targets for way in WAYS]
    for key in [*keys, *BASELINES]:
        name, way = key.split("|")
        ratio = statistics.median(big.ms[key]) / statistics.median(small.ms[key])
        verdict = ""
        if targets.get(name):
            verdict = "yes" if statistics.median(big.ms[key]) <= TARGET_MS else "NO"
        elif name in targets:
            verdict = "(history: no target)"
        row = "".join(f"{cell(r.ms[key]):>{width}}" for r in results)
        lines.append(f"  {name:<26}{way:<10}{row}{ratio:12.2f}×   {verdict}")
    if big.live is not None:
        lines += live_report(big.cases, big.live)
    return lines


def live_report(n: int, live: LiveResult) -> list[str]:
    base = live.median("single_ms")
    lines = [
        f"  reassign at {n:,} cases, ms over rounds{'median':>10}{'max':>8}{'÷ baseline':>12}"
        "   < 1 s"
    ]
    for label, name, target in (
        ("baseline: one case → its event", "single_ms", False),
        ("one case: response", "single_response_ms", False),
        ("50 cases: response", "bulk_response_ms", False),
        ("50 cases: → 1st event", "bulk_first_ms", False),
        ("50 cases: → 50th, 2nd lead", "bulk_last_ms", True),
        ("50 cases: → 50th, liaison", "bulk_last_liaison_ms", True),
    ):
        median, worst = live.median(name), max(getattr(live, name))
        verdict = ("yes" if median < LIVE_TARGET_MS else "NO") if target else ""
        lines.append(f"  {label:<36}{median:10.0f}{worst:8.0f}{median / base:11.1f}×   {verdict}")
    lines.append(f"  events arrived on the two screens: {live.events}/{live.expected}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", default=",".join(str(s) for s in FULL_SIZES))
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each read")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs before")
    parser.add_argument("--rounds", type=int, default=5, help="reassigns of 50 (0: none)")
    parser.add_argument("--singles", type=int, default=10, help="one-case reassigns")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    if not sizes or sizes[0] < 1_000 or args.repeat < 1 or args.singles < 1:
        parser.error("--sizes of at least 1,000 cases; --repeat and --singles at least 1")
    backends = {"sqlite": ["sqlite"], "postgres": ["postgresql"]}.get(
        args.backend, ["sqlite", "postgresql"]
    )
    results: dict[str, list[SizeResult]] = {backend: [] for backend in backends}
    with tempfile.TemporaryDirectory(prefix="gridcc-bench-desk-") as tmp:
        for size in sizes:
            started = time.perf_counter()
            columns = desk_cases(size)
            print(f"generated {size:,} cases in {time.perf_counter() - started:.1f} s", flush=True)
            for backend in backends:
                live = size == sizes[-1]  # the reassign: at the largest size
                results[backend].append(run_size(backend, columns, args, Path(tmp), live))
            del columns
    missing = 0
    for backend, found in results.items():
        print("\n".join(report(backend, found)), flush=True)
        missing += sum(r.live.expected - r.live.events for r in found if r.live is not None)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
