"""泉心愿's counts over HTTP: who reads which counts, the wall's panel and map cells, the
community's tab, the definitions on /kpi — counts only, never a name or a phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.quanxinyuan.test_counts import A, B, seed
from tests.dashboard.conftest import login
from tests.dashboard.quanxinyuan.conftest import public_client


@pytest.fixture
def seeded(qxy_center: Any) -> Any:
    g, parts, outbox = qxy_center
    seed(parts.platform)
    return g, parts, outbox


def test_the_center_reads_every_level_and_period(seeded: Any) -> None:
    g, _parts, _outbox = seeded
    for name in ("op", "lead", "wall", "admin"):
        client = login(g, name)
        district = client.get("/api/qxy/counts?period=all").json
        assert district["by"] == "district" and len(district["rows"]) == 1
        counts = district["rows"][0]["counts"]
        assert (counts["wishes_fulfilled"], counts["problems_solved"]) == (3, 4)
        assert district["names"]["wishes_fulfilled"] == "微心愿实现数"
    client = login(g, "op")
    streets = client.get("/api/qxy/counts?by=street&period=2026-11").json
    assert {r["level"] for r in streets["rows"]} == {"street"}
    yaojia = next(r for r in streets["rows"] if r["code"] == A[:9])
    assert yaojia["counts"]["wishes_fulfilled"] == 2
    communities = client.get("/api/qxy/counts?by=community&period=2026-11&lang=en").json
    assert len(communities["rows"]) == 88 and communities["names"]["units"] == "Registered units"
    text = repr(streets) + repr(communities)
    assert "张三" not in text and "13800000000" not in text
    bad = client.get("/api/qxy/counts?period=week")
    assert bad.status_code == 400 and bad.json["error"] == "bad_period"
    assert client.get("/api/qxy/counts?by=cell").json["error"] == "bad_level"


def test_a_community_reads_its_own_counts_only(seeded: Any) -> None:
    g, _parts, _outbox = seeded
    client = login(g, "sq2")  # community B
    for by in ("district", "street", "community"):
        answer = client.get(f"/api/qxy/counts?by={by}&period=2026-11").json
        assert [r["code"] for r in answer["rows"]] == [B], by
        assert answer["rows"][0]["counts"]["wishes_fulfilled"] == 1
    # The wall's panel and the cells are the center's.
    assert client.get("/api/qxy/panel").status_code == 403
    assert client.get("/api/qxy/cells").status_code == 403
    page = client.get("/community").get_data(as_text=True)
    assert 'data-pane="counts"' in page and "qxycounts.js" in page


@pytest.mark.parametrize("name", ["li-cg", "unit-a"])
def test_a_department_or_a_unit_reads_no_counts(seeded: Any, name: str) -> None:
    g, _parts, _outbox = seeded
    client = login(g, name)
    for url in ("/api/qxy/counts", "/api/qxy/panel", "/api/qxy/cells"):
        assert client.get(url).status_code == 403, url


def test_the_public_and_strangers_read_no_counts(seeded: Any) -> None:
    g, _parts, outbox = seeded
    phone = public_client(g, outbox, "13900139001")
    stranger = g.server.test_client()
    for url in ("/api/qxy/counts", "/api/qxy/panel", "/api/qxy/cells"):
        assert phone.get(url).status_code == 401, url
        assert stranger.get(url).status_code == 401, url


def test_the_walls_panel_cells_and_page(seeded: Any) -> None:
    g, parts, _outbox = seeded
    client = login(g, "wall")
    panel = client.get("/api/qxy/panel").json
    assert panel["period"]["key"] == "month"
    assert panel["all"]["wishes_fulfilled"] == 3 and panel["month"]["units"] == 3
    assert [(c["signed"], c["wanted"]) for c in panel["filling"]] == [(7, 10)]
    cells = client.get("/api/qxy/cells").json
    assert cells["fields"] == ["wishes_open", "calls_filling", "problems_open"]
    assert cells["cells"][parts.platform.places.cells_of(A)[0]] == [2, 1, 4]
    assert "张三" not in repr(panel) + repr(cells)


def test_the_definitions_page_has_the_platforms_group(seeded: Any) -> None:
    from dashboard.kpi_page import definitions_section

    text = repr(definitions_section("zh"))
    assert "kpi-def-qxy" in text and "微心愿实现数" in text and "社区确认时间" in text
    assert "Wishes fulfilled" in repr(definitions_section("en"))
