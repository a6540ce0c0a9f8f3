"""A realistic operators' queue for the desk's browser test and its screenshots: reports of
the last hours at places of 历下区's grid, some filed, one returned by its department, an
urgent one, one whose description carries markup (it must show as text), and two reports
of the same street vending in adjacent cells (the later one is a duplicate to merge)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cases import clock
from cases.db import make_engine
from cases.model import Report
from cases.store import Store
from cases.users import UserDirectory
from cases.workflow import Actor, Role
from geo.adjacency import neighbours
from geo.grid import Grid, load_default_grid
from tests.dashboard.conftest import PASSWORD

MARKUP = '<img src=x onerror="window.__pwned=1"><b>人行道</b>地砖缺失'

# minutes ago, category, what was said, where, source, reporter, then: "" | "file" | "return"
REPORTS = [
    (
        410,
        "SR01",
        "小区东门外绿化带内堆放大量生活垃圾，已有异味",
        "解放东路与山大路交叉口东北角",
        "patrol",
        "",
        "file",
    ),
    (
        365,
        "AQ05",
        "人行道井盖破损翘起，行人容易绊倒",
        "历山路 128 号门前",
        "hotline",
        "王女士 138****2041",
        "",
    ),
    (
        322,
        "SR06",
        "早市摊贩占用非机动车道经营，早高峰通行困难",
        "和平路菜市场北口",
        "patrol",
        "",
        "return",
    ),
    (
        296,
        "CG06",
        "路口信号灯黄灯常亮，车辆抢行",
        "文化东路与山大南路路口",
        "hotline",
        "李先生 186****7730",
        "",
    ),
    (251, "SR04", "路面大片油污，雨天湿滑", "燕子山路 22 号对面", "patrol", "", "file"),
    (213, "SR05", "公交站牌被张贴大量小广告", "千佛山东路公交站", "citizen", "", ""),
    (
        187,
        "SR11",
        "空地有人焚烧树叶和垃圾，浓烟较大",
        "羊头峪西沟旁空地",
        "hotline",
        "赵先生 139****5512",
        "",
    ),
    (160, "CG04", MARKUP, "山大北路 45 号", "citizen", "", ""),
    (131, "AQ01", "楼道外堆放装修建材，占用消防通道", "甸柳新村三区 7 号楼", "patrol", "", "file"),
    (
        96,
        "SR13",
        "夜间施工噪音扰民，超过 22 点仍在作业",
        "经十路 15982 号工地",
        "hotline",
        "孙女士 135****0917",
        "",
    ),
    (72, "SR02", "拆迁工地渣土未覆盖，扬尘明显", "姚家庄片区东侧", "department", "", ""),
    (48, "SR06", "流动摊点在人行道摆摊卖水果", "和平路与历山路交叉口", "patrol", "", ""),
    (31, "SR06", "人行道上摆摊卖水果，又出现了", "和平路与历山路交叉口西", "wish", "", ""),
    (12, "SR03", "垃圾桶满溢，周边散落垃圾", "泉城公园南门", "patrol", "", ""),
    (4, "SR09", "沿街商铺私拉电线悬挂灯箱", "山师东路 9 号", "citizen", "", ""),
]


@dataclass(frozen=True)
class Seeded:
    ids: list[int]  # in the order of REPORTS
    duplicate: int  # the later of the two street-vending reports in adjacent cells
    earlier: int  # the one it repeats
    markup: int  # the report whose description carries markup


def _point(grid: Grid, code: str) -> tuple[float, float]:
    lon, lat = grid.geometries[grid.index_of(code)].representative_point().coords[0]
    return float(lon), float(lat)


def seed_desk(url: str, now: datetime | None = None) -> Seeded:
    """Create the store at ``url`` with the desk's people and the queue above."""
    grid = load_default_grid()
    engine = make_engine(url)
    moment = [now or clock.utcnow()]
    start = moment[0]
    store = Store(engine, now=lambda: moment[0])
    store.create_schema()
    users = UserDirectory(engine)
    users.add("zhang-op", Role.OPERATOR, PASSWORD, display_name="张伟")
    users.add("li-op", Role.OPERATOR, PASSWORD, display_name="李娜")
    users.add("wang-lead", Role.LEAD, PASSWORD, display_name="王强")
    users.add("chen-cg", Role.LIAISON, PASSWORD, department="chengguan", display_name="陈静")
    users.add("root", Role.ADMIN, PASSWORD)
    users.add("wall-1", Role.WALL, PASSWORD)
    op = Actor("li-op", Role.OPERATOR)
    liaison = Actor("chen-cg", Role.LIAISON, "chengguan")

    # Cells spread over the district; the two vending reports in adjacent cells.
    codes = grid.codes
    step = max(1, len(codes) // (len(REPORTS) + 3))
    cells = [codes[(i * step + 7) % len(codes)] for i in range(len(REPORTS))]
    vending = [i for i, r in enumerate(REPORTS) if r[1] == "SR06"][-2:]
    cells[vending[1]] = neighbours(grid, cells[vending[0]])[0]

    ids = []
    for i, (ago, category, said, place, source, reporter, then) in enumerate(REPORTS):
        moment[0] = start - timedelta(minutes=ago)
        lon, lat = _point(grid, cells[i])
        report = Report(source, category, said, lon, lat, cells[i], place, None, reporter)
        case, _ = store.open_case(report, actor=f"intake:{source}")
        ids.append(case.id)
        if then:
            moment[0] += timedelta(minutes=6)
            store.apply(case.id, "file", op, expected_version=1)
        if then == "return":
            moment[0] += timedelta(minutes=4)
            store.apply(case.id, "dispatch", op, expected_version=2)
            moment[0] += timedelta(minutes=50)
            store.apply(
                case.id,
                "return",
                liaison,
                "摊贩已撤离，现场无占道，请核实后重新派遣至市场监管",
                expected_version=3,
            )
    engine.dispose()
    markup = next(i for i, r in enumerate(REPORTS) if r[2] == MARKUP)
    return Seeded(ids, ids[vending[1]], ids[vending[0]], ids[markup])
