"""Volunteer teams and volunteers on the store (SQLite and PostgreSQL): teams put and
imported whole or not at all (every bad row named), their steps in the log, and a member
of the public becoming a volunteer of a community and a team."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from cases.quanxinyuan import log
from cases.quanxinyuan.platform import Platform, QxyError
from cases.quanxinyuan.residents import Residents
from cases.quanxinyuan.volunteers import Team, TeamsRefused, Volunteers

COMMUNITY = "370102009001"
OTHER = "370102009002"


def team(volunteers: Volunteers, team_id: str) -> Team:
    found = volunteers.get_team(team_id)
    assert found is not None
    return found


@pytest.fixture
def volunteers(platform: Platform, residents: Residents) -> Volunteers:
    return Volunteers(platform, residents)


def test_teams_are_put_listed_and_counted(volunteers: Volunteers, platform: Platform) -> None:
    a = volunteers.put_team("t-a", "姚家青年志愿队", COMMUNITY)
    b = volunteers.put_team("t-b", "<b>银发</b>志愿队", COMMUNITY, "unit-1")
    volunteers.put_team("t-c", "文明实践队", OTHER)
    assert (a.item_no, b.item_no) == (1, 2)
    again = volunteers.put_team("t-a", "姚家青年突击队", COMMUNITY)
    assert again.item_no == 1 and team(volunteers, "t-a").name == "姚家青年突击队"
    assert [t.id for t in volunteers.teams(COMMUNITY)] == ["t-a", "t-b"]
    assert volunteers.count_teams() == 3 and volunteers.count_teams(OTHER) == 1
    assert team(volunteers, "t-b").name == "<b>银发</b>志愿队"  # text, kept as given
    with pytest.raises(QxyError) as moved:
        volunteers.put_team("t-a", "x", OTHER)
    assert moved.value.problem == "team_community"
    for bad in (
        ("", "x", COMMUNITY),
        ("t d", "x", COMMUNITY),
        ("t-d", "", COMMUNITY),
        ("t-d", "x", "999999999999"),
    ):
        with pytest.raises(QxyError):
            volunteers.put_team(*bad)
    with platform.reading() as conn:
        kinds = [e.kind for e in log.of_item(conn, "team", 1)]
    assert kinds == ["team.add", "team.change"]


def test_a_teams_file_is_taken_whole(volunteers: Volunteers, platform: Platform) -> None:
    good = (
        "编号,名称,社区,单位\n"
        "t-1,姚家青年志愿队,370102009001,\n"
        "t-2,文明实践队,370102009002,unit-9\n"
    )
    assert volunteers.import_teams(good.encode("utf-8")) == 2
    assert team(volunteers, "t-2").unit_id == "unit-9"
    bad = (
        "id,name,community\n"
        "t-3,好队,370102009001\n"
        "t 4,坏编号,370102009001\n"
        "t-3,重复,370102009001\n"
        "t-5,,370102009001\n"
        "t-6,无社区,火星社区\n"
        "t-1,换社区,370102009002\n"
    )
    with pytest.raises(TeamsRefused) as refused:
        volunteers.import_teams(bad.encode("utf-8"))
    rows = [p.row for p in refused.value.problems]
    assert rows == [3, 4, 5, 6, 7]
    assert "row 4" in str(refused.value) and "第 4 行" in refused.value.problems[1].text("zh")
    assert volunteers.get_team("t-3") is None  # nothing of it was written
    # A community uploads its own teams only.
    theirs = "id,name,community\nt-7,别人的队,370102009002\n"
    with pytest.raises(TeamsRefused) as own:
        volunteers.import_teams(theirs.encode(), only_community=COMMUNITY)
    assert own.value.problems[0].row == 2
    with pytest.raises(TeamsRefused) as header:
        volunteers.import_teams(b"who,what\nx,y\n")
    assert header.value.problems[0].row == 1
    with pytest.raises(TeamsRefused):
        volunteers.import_teams(b"")


def test_an_excel_file_of_teams(volunteers: Volunteers) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "队名", "所属社区"])
    sheet.append(["x-1", "泉城义工", COMMUNITY])
    out = io.BytesIO()
    book.save(out)
    assert volunteers.import_teams(out.getvalue(), only_community=COMMUNITY) == 1
    assert team(volunteers, "x-1").community_code == COMMUNITY


def test_a_member_of_the_public_becomes_a_volunteer(
    volunteers: Volunteers, residents: Residents, outbox: Any, platform: Platform
) -> None:
    volunteers.put_team("t-a", "姚家青年志愿队", COMMUNITY)
    volunteers.put_team("t-o", "别的队", OTHER)
    residents.request_code("13900000001")
    _t, person = residents.verify("13900000001", outbox.last("13900000001"), consent=True)
    assert not person.volunteer
    with pytest.raises(QxyError) as other:
        volunteers.become(person, COMMUNITY, team_id="t-o")
    assert other.value.problem == "team_community"
    with pytest.raises(QxyError) as nameless:
        volunteers.become(person, COMMUNITY, name="")
    assert nameless.value.problem == "name"
    now = volunteers.become(person, COMMUNITY, team_id="t-a", name="李四")
    assert (now.volunteer, now.community_code, now.team_id, now.name) == (
        True,
        COMMUNITY,
        "t-a",
        "李四",
    )
    assert volunteers.members("t-a") == 1 and volunteers.count_volunteers(COMMUNITY) == 1
    assert volunteers.volunteers_of(COMMUNITY) == [
        {"id": person.id, "name": "李四", "phone": "13900000001", "team": "t-a"}
    ]
    with platform.reading() as conn:
        joined = [e for e in log.of_item(conn, "team", 1) if e.kind == "team.join"]
    assert len(joined) == 1 and joined[0].actor == person.label
    assert "13900000001" not in repr(joined[0].wire()) and "李四" not in repr(joined[0].wire())
