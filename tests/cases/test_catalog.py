"""The catalog as data: cases/data/*.csv, read, kept in the store (SQLite and PostgreSQL)
and edited by admins, losing nothing on the way (the route of an item among it)."""

from __future__ import annotations

import csv
import io

import pytest

from cases.catalog import DATA, CatalogError, as_row, load_catalog
from cases.store import Store
from cases.workflow import Actor, Role

ADMIN = Actor("a", Role.ADMIN)


def as_csv(rows: list[dict[str, object]], header: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: f"{v:g}" if isinstance(v, float) else v for k, v in row.items()})
    return out.getvalue()


@pytest.mark.parametrize("name", ["categories.csv", "departments.csv", "stage_limits.csv"])
def test_each_csv_reads_and_writes_back_the_same(name: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    catalog = load_catalog()
    items = {
        "categories.csv": catalog.categories.values(),
        "departments.csv": catalog.departments.values(),
        "stage_limits.csv": catalog.stage_limits.values(),
    }[name]
    assert as_csv([as_row(item) for item in items], header) == text


def test_the_store_keeps_the_catalog_as_shipped(store: Store) -> None:
    shipped, kept = load_catalog(), store.catalog
    assert kept.categories == shipped.categories  # route, limit and unit among the fields
    assert kept.departments == shipped.departments
    assert kept.stage_limits == shipped.stage_limits
    assert len(kept.categories) == 80 and kept.category("DJ04").route == "street"


def test_an_admin_sets_an_items_route_and_a_bad_one_is_refused(store: Store) -> None:
    row = as_row(store.catalog.category("MS03"))  # 小区路灯不亮: the property's, so far
    store.save_category({**row, "route": "community"}, ADMIN)
    assert store.catalog.category("MS03").route == "community"
    store.save_category({k: v for k, v in row.items() if k != "route"}, ADMIN)
    assert store.catalog.category("MS03").route == "department"  # the default
    with pytest.raises(CatalogError, match="route"):
        store.save_category({**row, "route": "cell"}, ADMIN)
    # an item routed by place still names the department that answers where there is none
    with pytest.raises(CatalogError, match="department"):
        store.save_category({**row, "route": "street", "department": "street"}, ADMIN)
    assert store.catalog.category("MS03").route == "department"
