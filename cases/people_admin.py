"""An admin's edits of the roster, one at a time (the admin page, the admin API): a person
saved, a cell's team set, shifts added, a file imported. Each asks the access policy
first and checks its values as a file's rows are checked (cases/people_file.py), so a form,
an API body and a file obey the same rules and say what is wrong in the same words.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection
from dataclasses import replace

from cases import access
from cases.model import Forbidden
from cases.people import Person, Roster, RosterError, Team
from cases.people_file import COLUMNS, FileRefused, Imported, check_rows, import_file, refuse
from cases.workflow import Actor

AccountExists = Callable[[str], bool]


class RosterAdmin:
    """The roster as an admin changes it: ``cells`` are the grid's, ``account_exists``
    says whether a username is an account."""

    def __init__(self, roster: Roster, cells: Collection[str], account_exists: AccountExists):
        self.roster = roster
        self.cells = frozenset(cells)
        self.account_exists = account_exists

    def _allow(self, actor: Actor | None) -> None:
        if not access.may_edit_roster(actor):
            raise Forbidden("only admins change the roster", "只有管理员可以修改人员名册")

    def import_file(self, actor: Actor | None, data: bytes, kind: str | None) -> Imported:
        self._allow(actor)
        return import_file(self.roster, data, kind, self.cells, self.account_exists)

    def save_person(
        self, actor: Actor | None, person_id: str, fields: dict[str, str], active: bool = True
    ) -> Person:
        """Add or change one person; a synthetic person stays labelled synthetic."""
        self._allow(actor)
        row = {**fields, "id": person_id}
        parsed = check_rows("people", [row], self.cells, self.roster.known_ids, self.account_exists)
        before = self.roster.person(person_id)
        person = replace(
            parsed.persons[0], synthetic=bool(before and before.synthetic), active=active
        )
        self._write(lambda: self.roster.put_people([person]))
        return person

    def deactivate(self, actor: Actor | None, person_id: str) -> bool:
        """Take a person off the grid (kept, no longer listed or alerted); False: no one."""
        self._allow(actor)
        if self.roster.person(person_id) is None:
            return False
        self.roster.deactivate(person_id)
        return True

    def set_team(
        self, actor: Actor | None, cell: str, branch: str, members: list[tuple[str, str]]
    ) -> Team | None:
        """Make ``cell``'s team exactly ``members`` ((person id, part) pairs)."""
        self._allow(actor)
        if cell not in self.cells:
            raise refuse(f"{cell!r} is not a cell of the grid", f"「{cell}」不是本网格的网格")
        if not members:
            if len(branch) > 64:
                raise refuse("a branch name of at most 64 characters", "党支部名称最多 64 个字符")
            self._write(lambda: self.roster.put_team(cell, branch, []))
            return self.roster.team(cell)
        rows = [
            {"cell_code": cell, "branch": branch, "person_id": pid, "part": part}
            for pid, part in members
        ]
        parsed = check_rows("teams", rows, self.cells, self.roster.known_ids, self.account_exists)
        self._write(lambda: self.roster.import_all(teams=parsed.teams))
        return self.roster.team(cell)

    def add_shifts(self, actor: Actor | None, rows: list[dict[str, str]]) -> int:
        """Add shifts given as (person_id, starts, ends) local times; returns how many new."""
        self._allow(actor)
        if not rows:
            return 0
        parsed = check_rows("shifts", rows, self.cells, self.roster.known_ids, self.account_exists)
        added = [0]

        def write() -> None:
            added[0] = self.roster.add_shifts(parsed.shifts)

        self._write(write)
        return added[0]

    @staticmethod
    def _write(write: Callable[[], object]) -> None:
        try:
            write()
        except RosterError as exc:
            raise refuse(str(exc), f"不符合要求：{exc}") from None


def text_rows(kind: str, text: str, columns: tuple[str, ...] | None = None) -> list[dict[str, str]]:
    """Rows typed in a form's text box, one per line, values by comma (CSV quoting allowed),
    in ``columns``' order (default: the file's columns for ``kind``)."""
    names = columns or COLUMNS[kind]
    out: list[dict[str, str]] = []
    try:
        for values in csv.reader(io.StringIO(text)):
            if any(v.strip() for v in values):
                if len(values) > len(names):
                    raise refuse(
                        f"line {len(out) + 1}: at most {len(names)} values ({', '.join(names)})",
                        f"第 {len(out) + 1} 行：最多 {len(names)} 项（{', '.join(names)}）",
                    )
                out.append(dict(zip(names, (v.strip() for v in values), strict=False)))
    except csv.Error as exc:
        raise refuse(f"not comma-separated values: {exc}", "不是逗号分隔的值") from None
    return out


__all__ = ["FileRefused", "RosterAdmin", "text_rows"]
