"""Who acts on a case: a person's role (or a system's), and their department."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    OPERATOR = "operator"  # 值班员/受理员
    LEAD = "lead"  # 值班长
    LIAISON = "liaison"  # 部门联络员 (acts only on own department's cases)
    WORKER = "worker"  # 网格员
    ADMIN = "admin"
    WALL = "wall"  # the wall display: sees, never acts
    UNIT = "unit"  # 双报到单位: a unit registered with a community (泉心愿), sees no cases
    SYSTEM = "system"  # feeds and simulators acting on the center's behalf


ROLE_ZH = {
    Role.OPERATOR: "值班员",
    Role.LEAD: "值班长",
    Role.LIAISON: "部门联络员",
    Role.WORKER: "网格员",
    Role.ADMIN: "管理员",
    Role.WALL: "大屏",
    Role.UNIT: "双报到单位",
    Role.SYSTEM: "系统",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a name for the audit log, a role, and a department for liaisons.

    ``scope`` is set when a system acts with an API key (``access.KEY_SCOPES``): the key's
    scope, not a person's role, bounds what it may do."""

    name: str
    role: Role
    department: str | None = None
    scope: str | None = None

    @property
    def label(self) -> str:
        return f"{self.role.value}:{self.name}"
