"""The 双报到 units on the store: put and read, a file taken whole or refused whole (every
bad row listed), events with a stable running number, the contact shown only to the
unit's own community."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from cases.actors import Actor, Role
from cases.people_file import FileRefused
from cases.quanxinyuan import log
from cases.quanxinyuan.platform import Platform, QxyError
from cases.quanxinyuan.units import Unit, Units
from cases.quanxinyuan.units_file import import_units
from cases.table_file import MAX_FILE_BYTES

COMMUNITY = "370102009001"
OTHER = "370102009002"
HEADER = "编号,单位名称,级别,社区,联系人,联系电话,可提供,资源说明,账号\n"
GOOD = (
    HEADER + "sgj,济南市市场监管局,市级,370102009001,李四,0531-1234567,助老;维修,每月一次,\n"
    "bank,<b>某银行</b>历下支行,enterprise,370102009002,王五,13800000001,goods、法律,,\n"
)


def unit_events(platform: Platform) -> list[log.QxyEvent]:
    with platform.reading() as conn:
        return [e for e in log.since(conn, 0) if e.item_kind == "unit"]


def test_a_file_of_units_is_taken_whole(platform: Platform) -> None:
    units = Units(platform)
    done = import_units(units, GOOD.encode("gb18030"), "admin:root")
    assert [u.id for u in done] == ["sgj", "bank"]
    assert units.count() == 2 and units.count(COMMUNITY) == 1
    bank = units.get("bank")
    assert bank is not None and bank.name == "<b>某银行</b>历下支行"  # text, kept as text
    assert bank.offers == ["goods", "legal"] and bank.level == "enterprise"
    assert [u.id for u in units.list(OTHER)] == ["bank"]
    first = unit_events(platform)
    assert [(e.kind, e.item_id, e.unit_id) for e in first] == [
        ("unit.import", 1, "sgj"),
        ("unit.import", 2, "bank"),
    ]
    assert all("13800000001" not in str(e.data) and "王五" not in str(e.data) for e in first)
    # Again: the same units replaced, their running numbers kept.
    import_units(units, GOOD.encode("utf-8"), "admin:root")
    again = unit_events(platform)[2:]
    assert [(e.item_id, e.to_state) for e in again] == [(1, "changed"), (2, "changed")]
    units.put(Unit("new", "新单位", "district", COMMUNITY), "admin:root")
    assert unit_events(platform)[-1].item_id == 3


def test_an_excel_file_is_read(platform: Platform) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name", "level", "community", "contact_phone", "offers"])
    sheet.append(["u1", "区教体局", "区级", COMMUNITY, 13800000002, "child"])
    body = io.BytesIO()
    book.save(body)
    units = Units(platform)
    (unit,) = import_units(units, body.getvalue(), "admin:root")
    assert unit.contact_phone == "13800000002" and unit.offers == ["child"]


def test_every_bad_row_is_listed_and_nothing_written(platform: Platform) -> None:
    bad = (
        HEADER + "a,单位A,市级,370102009001,,,助老,,\n"  # good
        ",无编号,市级,370102009001,,,,,\n"  # 3: no id
        "b,单位B,村级,370102009001,,,,,\n"  # 4: level
        "c,单位C,市级,999999999999,,,,,\n"  # 5: community
        "d,单位D,市级,370102009001,,,做饭,,\n"  # 6: offers
        "a,单位A2,市级,370102009001,,,,,\n"  # 7: id twice
        "e,单位E,市级,370102009001,,abc,,,\n"  # 8: phone
        "f," + "长" * 200 + ",市级,370102009001,,,,,\n"  # 9: too long
        "g,单位G,市级,370102009001,,,,,,extra\n"  # 10: more values
        "h,单位H,市级,370102009001,,,,,nobody\n"  # 11: no such account
    )
    units = Units(platform)
    with pytest.raises(FileRefused) as refused:
        import_units(
            units,
            bad.encode(),
            "admin:root",
            account_problem=lambda name, _uid: "no such account",
        )
    rows = [p.row for p in refused.value.problems]
    assert rows == [3, 4, 5, 6, 7, 8, 9, 10, 11], refused.value.lines()
    assert all(line.startswith("第 ") for line in refused.value.lines("zh"))
    assert units.count() == 0 and unit_events(platform) == []


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "empty"),
        (b"id,name\nx,y\n", "columns"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (b"x" * (MAX_FILE_BYTES + 1), "KB"),
        (HEADER.encode(), "no rows"),
    ],
)
def test_a_bad_file_is_refused_whole(platform: Platform, body: bytes, why: str) -> None:
    units = Units(platform)
    with pytest.raises(FileRefused) as refused:
        import_units(units, body, "admin:root")
    assert why in str(refused.value)
    assert units.count() == 0


def test_a_unit_is_checked_on_put(platform: Platform) -> None:
    units = Units(platform)
    for unit, problem in (
        (Unit("a b", "x", "city", COMMUNITY), "id"),
        (Unit("a", "", "city", COMMUNITY), "name"),
        (Unit("a", "x", "village", COMMUNITY), "level"),
        (Unit("a", "x", "city", "000000000000"), "community"),
        (Unit("a", "x", "city", COMMUNITY, offers=["cooking"]), "offers"),
    ):
        with pytest.raises(QxyError) as refused:
            units.put(unit, "admin:root")
        assert refused.value.problem == problem
    units.put(Unit("a", "x", "city", COMMUNITY, username="acct"), "admin:root")
    with pytest.raises(QxyError) as refused:  # one account, one unit
        units.put(Unit("b", "y", "city", COMMUNITY, username="acct"), "admin:root")
    assert refused.value.problem == "username"
    linked = units.link("a", "acct2", "admin:root")
    assert linked.username == "acct2" and unit_events(platform)[-1].kind == "unit.link"


def test_the_contact_is_shown_to_the_units_community_and_itself(platform: Platform) -> None:
    units = Units(platform)
    units.put(Unit("a", "单位", "city", COMMUNITY, "李四", "13800000003"), "admin:root")
    unit = units.get("a")
    assert unit is not None
    own = Actor("sq", Role.LIAISON, f"community_{COMMUNITY}")
    other = Actor("sq2", Role.LIAISON, f"community_{OTHER}")
    itself = Actor("ua", Role.UNIT, "a")
    stranger = Actor("ub", Role.UNIT, "b")
    center = Actor("op", Role.OPERATOR)
    assert unit.wire(own, platform.places)["contact_phone"] == "13800000003"
    assert unit.wire(itself)["contact_name"] == "李四"
    for viewer in (other, stranger, center, None):
        seen = unit.wire(viewer, platform.places)
        assert "contact_phone" not in seen and "contact_name" not in seen
        assert seen["community_name"]
