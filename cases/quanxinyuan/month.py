"""A simulated month of 泉心愿: the district's registry (双报到 units, volunteer teams, units'
resources) and thirty days of wishes, volunteer calls, small problems and the three lists,
each written through its area's own steps at the simulated time (a ``SimClock``), then the
month's counts (``counts``) to set beside the article's figures.

Each area provides its synthetic data by name (cases/quanxinyuan/*_synthetic.py); an area
whose module is not there is skipped and said so, so each part runs alone. A store is
built from its class's parameters by name (``platform``, ``photos``, ``units``,
``residents``, ``locate``…): the month never reaches into another area's rows.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import random
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from cases import clock as clocks
from cases.quanxinyuan import schema as t
from cases.quanxinyuan.counts import Counts, Period
from cases.quanxinyuan.platform import Places, Platform, SimClock

_log = logging.getLogger(__name__)
PACKAGE = "cases.quanxinyuan"
# The article's figures (all time, since the platform began), beside the month's.
ARTICLE = {
    "wishes_fulfilled": (6000, "6,000+ 微心愿 fulfilled"),
    "teams": (300, "300+ volunteer teams"),
    "problems_solved": (1600, "1,600+ problems solved"),
    "units": (1200, "1,200+ 双报到 units"),
}
# (store attribute, module, class) built in this order; later ones may take earlier ones.
STORES = (
    ("units", "units", "Units"),
    ("wishes", "wishes", "Wishes"),
    ("volunteers", "volunteers", "Volunteers"),
    ("calls", "calls", "Calls"),
    ("problems", "problems", "Problems"),
    ("lists", "lists", "Lists"),
)
# The registry: (module, function, the stores it takes after its first, in order).
REGISTRY = (
    ("wish_synthetic", "synthetic_units", ("units",)),
    ("call_synthetic", "synthetic_teams", ("volunteers",)),
    ("lists_synthetic", "synthetic_resources", ("lists", "units")),
)
# The month: (module, function, its stores); each is then called (…, places, clock, rng,
# start, days).
MONTH = (
    ("wish_synthetic", "simulate_wishes", ("wishes", "units")),
    ("call_synthetic", "simulate_calls", ("calls", "volunteers")),
    ("problem_synthetic", "simulate_problems", ("problems",)),
    ("lists_synthetic", "simulate_lists", ("lists",)),
)


@dataclass
class Kit:
    """What the areas' stores are built from, by parameter name."""

    platform: Platform
    media_dir: Path
    locate: Callable[[float, float], str] | None = None
    stores: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def known(self) -> dict[str, Any]:
        from cases.photos import PhotoFiles
        from cases.quanxinyuan.photos import QxyPhotos
        from cases.quanxinyuan.residents import Residents

        return {
            "platform": self.platform,
            "photos": QxyPhotos(PhotoFiles(self.media_dir)),
            "residents": Residents(self.platform),
            "locate": self.locate,
            **self.stores,
        }


def _function(module: str, name: str) -> Callable[..., Any] | None:
    try:
        found = importlib.import_module(f"{PACKAGE}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{PACKAGE}.{module}":
            raise
        return None
    fn = getattr(found, name, None)
    return fn if callable(fn) else None


def build_stores(kit: Kit) -> dict[str, Any]:
    """Each area's store whose module is there, from the kit's parts by parameter name."""
    for attr, module, cls_name in STORES:
        cls = _function(module, cls_name)
        if cls is None:
            kit.skipped.append(f"{module}.{cls_name}")
            continue
        known, args = kit.known(), {}
        for name, param in inspect.signature(cls).parameters.items():
            if known.get(name) is not None:
                args[name] = known[name]
            elif param.default is inspect.Parameter.empty:
                kit.skipped.append(f"{module}.{cls_name} (needs {name})")
                break
        else:
            kit.stores[attr] = cls(**args)
    return kit.stores


def _call(kit: Kit, module: str, name: str, stores: tuple[str, ...], *rest: Any) -> Any:
    fn = _function(module, name)
    if fn is None or any(s not in kit.stores for s in stores):
        kit.skipped.append(f"{module}.{name}")
        return None
    return fn(*(kit.stores[s] for s in stores), *rest)


def platform_is_empty(engine: Engine) -> bool:
    """No step was ever taken on the platform (its log is empty)."""
    with engine.connect() as conn:
        return not conn.execute(select(func.count()).select_from(t.qxy_events)).scalar_one()


def first_unit(engine: Engine, community_code: str) -> str | None:
    """The first unit (by id) registered with ``community_code``, if any."""
    with engine.connect() as conn:
        found = conn.execute(
            select(t.units.c.id)
            .where(t.units.c.community_code == community_code, t.units.c.active.is_(True))
            .order_by(t.units.c.id)
            .limit(1)
        ).scalar_one_or_none()
    return str(found) if found is not None else None


@dataclass
class Month:
    """A month being simulated: seed the registry first (fast; the demo's unit account needs
    a unit), then run the days (the demo runs them in the background)."""

    kit: Kit
    clock: SimClock
    places: Places
    rng: random.Random
    start: datetime
    days: int
    areas: dict[str, Any] = field(default_factory=dict)

    def seed_registry(self) -> dict[str, Any]:
        self.clock.set(self.start)
        for module, name, stores in REGISTRY:
            made = _call(self.kit, module, name, stores, self.places, self.rng)
            if made is not None:
                self.areas[name] = made
        return self.areas

    def run(self) -> dict[str, Any]:
        rest = (self.places, self.clock, self.rng, self.start, self.days)
        for module, name, stores in MONTH:
            made = _call(self.kit, module, name, stores, *rest)
            if made is not None:
                self.areas[name] = made
        self.clock.set(self.start + timedelta(days=self.days))
        return self.result()

    @staticmethod
    def period_of(start: datetime, days: int) -> tuple[date, date]:
        """The local days from ``start`` for ``days`` days (the last second's day last)."""
        first = clocks.as_utc(start).astimezone(clocks.LOCAL_TZ).date()
        last = clocks.as_utc(start + timedelta(days=days) - timedelta(seconds=1))
        return first, last.astimezone(clocks.LOCAL_TZ).date()

    def period(self) -> Period:
        return Period("simulated", *self.period_of(self.start, self.days))

    def result(self) -> dict[str, Any]:
        counts = Counts(self.kit.platform)
        period = self.period()
        month = counts.district(period)
        return {
            "period": period.wire(),
            "month": month["counts"],
            "places_filled": month["places_filled"],
            "all": counts.district(Period("all"))["counts"],
            "areas": self.areas,
            "skipped": list(self.kit.skipped),
        }


LIVE_TASKS = (
    ("网格走访志愿者", "入户走访独居老人，登记需求"),
    ("楼道清理", "清理楼道杂物和小广告"),
    ("文明交通劝导", "路口劝导行人和电动车遵守信号灯"),
    ("垃圾分类宣传", "在小区门口宣传垃圾分类"),
)


def live_calls(month: Month, now: datetime, communities: list[str], n: int = 4) -> int:
    """For a demo that goes on from its simulated month: ``n`` calls published now in
    ``communities`` (in turn), starting in 1–3 days, partly signed up by their synthetic
    volunteers (so the wall shows calls filling up). Through the calls' own steps; returns
    how many were published (0 without the calls area)."""
    from cases.actors import Actor, Role
    from cases.clock import local_day_start
    from cases.quanxinyuan.platform import QxyError
    from cases.quanxinyuan.residents import PublicPerson

    calls, rng, places = month.kit.stores.get("calls"), month.rng, month.places
    if calls is None or not communities:
        return 0
    month.clock.set(now)
    p = t.public_people.c
    made = 0
    for i in range(n):
        code = communities[i % len(communities)]
        cells = places.cells_of(code)
        task, text = LIVE_TASKS[i % len(LIVE_TASKS)]
        # in the local daytime of one of the next three days (midnight is Asia/Shanghai's)
        starts = local_day_start(now) + timedelta(days=1 + i % 3, hours=rng.choice((9, 10, 14, 15)))
        wanted = rng.choice((6, 8, 10, 12))
        try:
            found = calls.publish(
                Actor(f"community-{code}", Role.LIAISON, f"community_{code}"),
                code,
                task=task,
                text=text,
                place=f"{places.communities[code].community_name}党群服务中心",
                cell_code=rng.choice(cells) if cells else None,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                wanted=wanted,
                synthetic=True,
            )
        except (TypeError, QxyError) as exc:
            _log.warning("a live call was not published: %s", exc)
            return made
        made += 1
        with month.kit.platform.reading() as conn:
            rows = conn.execute(
                select(t.public_people)
                .where(p.volunteer.is_(True), p.community_code == code)
                .order_by(p.id)
                .limit(wanted)
            ).all()
        for r in rows[: max(1, round(wanted * rng.uniform(0.3, 0.8)))]:
            person = PublicPerson(r.id, r.phone, r.name, r.community_code, True, r.team_id)
            try:
                calls.sign_up(person, found.id)
            except QxyError:
                continue
    return made


def prepare_month(
    engine: Engine,
    places: Places,
    rng: random.Random,
    start: datetime,
    days: int = 30,
    *,
    media_dir: Path | None = None,
    locate: Callable[[float, float], str] | None = None,
) -> Month:
    """A month on its own platform (a ``SimClock`` from ``start``), its stores built."""
    sim = SimClock(start)
    platform = Platform(engine, places, sim)
    kit = Kit(platform, media_dir or Path(tempfile.mkdtemp(prefix="gridcc-qxy-")), locate)
    build_stores(kit)
    return Month(kit, sim, places, rng, start, days)


def simulate_month(
    platform_engine: Engine,
    places: Places,
    rng: random.Random,
    start: datetime,
    days: int = 30,
    *,
    media_dir: Path | None = None,
    locate: Callable[[float, float], str] | None = None,
) -> dict[str, Any]:
    """Seed the registry and run ``days`` from ``start``; the month's counts (``month``),
    all time's (``all``), each area's own figures (``areas``) and what was skipped."""
    month = prepare_month(
        platform_engine, places, rng, start, days, media_dir=media_dir, locate=locate
    )
    month.seed_registry()
    return month.run()


def lines(result: dict[str, Any]) -> list[str]:
    """The month's counts beside the article's, as ``gridcc simulate --fast`` prints them."""
    from cases.quanxinyuan.count_defs import BY_CODE

    period = result["period"]
    out = [
        f"泉心愿, simulated {period['start']}..{period['end']} (synthetic):",
        f"  {'count':<44} {'month':>8} {'all time':>9}   article (all time)",
    ]
    shown = (
        "wishes_published",
        "wishes_claimed",
        "wishes_fulfilled",
        "units",
        "teams",
        "volunteers",
        "calls_published",
        "signups",
        "reports",
        "problems_uploaded",
        "problems_solved",
        "problems_to_case",
        "needs",
        "projects_done",
    )
    for code in shown:
        name = _pad(f"{BY_CODE[code].name[0]} ({BY_CODE[code].name[1].lower()})", 44)
        article = ARTICLE.get(code, (None, ""))[1]
        month, total = result["month"].get(code, 0), result["all"].get(code, 0)
        out.append(f"  {name} {month:>8,} {total:>9,}   {article}")
    filled = result["places_filled"]
    if filled["d"]:
        share = f"{filled['tenths'] / 10:.1f}%"
        out.append(f"  places filled: {filled['n']:,} of {filled['d']:,} wanted ({share})")
    for code, (figure, _words) in ARTICLE.items():
        if code in ("wishes_fulfilled", "problems_solved"):
            per_month = result["month"].get(code, 0)
            if per_month:
                months = figure / per_month
                out.append(
                    f"  at {per_month:,} a month, the article's {figure:,}+ "
                    f"{BY_CODE[code].name[1].lower()} take {months:.0f} months"
                )
    if result["skipped"]:
        missing = sorted({name.split(".")[0] for name in result["skipped"]})
        out.append("  areas not in this build (skipped): " + ", ".join(missing))
    return out


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)
