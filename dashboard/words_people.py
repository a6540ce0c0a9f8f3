"""The UI's words for people screens, in Chinese and English (merged into dashboard.i18n)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "people_title": "人员与网格团队",
        "people_summary": (
            "共 {n} 人（其中合成示例 {synthetic} 人），{teams}/{cells} 个网格已配团"
            "队，当前在岗 {on_duty} 人"
        ),
        "people_synthetic": "合成",
        "people_synthetic_note": (
            "标“合成”的人员为示例数据（与合成网格一同生成），姓名与电话均为虚构。"
        ),
        "people_team_title": "网格 1+6 团队",
        "people_cell": "网格编码",
        "people_show_team": "查看团队",
        "people_branch": "网格党支部",
        "people_members": "成员：每行「人员编号,分工」（分工：书记 / 网格员 / 成员）",
        "people_save_team": "保存团队",
        "people_team_saved": "{cell}：团队已保存（{n} 人）",
        "people_no_team": "{cell}：尚未配置团队",
        "people_list_title": "人员",
        "people_kind": "类别",
        "people_any_kind": "全部类别",
        "people_search": "姓名或编号",
        "people_find": "查找",
        "people_shown": "显示 {shown}/{n} 人",
        "people_edit_title": "编辑人员",
        "people_id": "人员编号",
        "people_name": "姓名",
        "people_phone": "电话",
        "people_unit": "单位",
        "people_account": "登录账号",
        "people_load": "载入",
        "people_save": "保存",
        "people_deactivate": "停用",
        "people_saved": "{id}：已保存",
        "people_deactivated": "{id}：已停用",
        "people_unknown": "{id}：没有这个人",
        "people_part": "分工",
        "people_on_duty": "在岗",
        "people_duty": "在岗",
        "people_off_duty": "—",
        "people_state": "状态",
        "people_active": "在用",
        "people_inactive": "已停用",
        "people_shifts_title": "值班班次",
        "people_shifts_help": (
            "每行「人员编号,开始,结束」，本地时间 YYYY-MM-DD HH:MM，最长 24 小时；重"
            "复的班次不会重复添加。"
        ),
        "people_add_shifts": "添加班次",
        "people_shifts_added": "已添加 {n} 个班次",
        "people_import_title": "从文件导入（CSV 或 Excel）",
        "people_import_help": (
            "人员：编号,姓名,类别,电话,单位,账号；团队：网格编码,党支部,人员编号,分"
            "工；值班：人员编号,开始,结束。整份文件全部无误才会导入，否则列出每一行"
            "的问题。"
        ),
        "people_import_kind": "文件内容",
        "people_import_auto": "按表头识别",
        "people_import_people": "人员",
        "people_import_teams": "团队",
        "people_import_shifts": "值班",
        "people_upload": "拖入文件，或点击选择",
        "people_imported": "{file}：导入 {rows} 行 — 人员 {people}，团队 {teams}，新班次 {shifts}",
        "people_refused": "{file}：未导入，共 {n} 处问题：",
    },
    "en": {
        "people_title": "People and grid teams",
        "people_summary": (
            "{n} people ({synthetic} synthetic), teams in {teams} of {cells} cells, "
            "{on_duty} on duty now"
        ),
        "people_synthetic": "synthetic",
        "people_synthetic_note": (
            'People marked "synthetic" are sample data (made with the synthetic grid); '
            "their names and phones are made up."
        ),
        "people_team_title": "A cell's 1+6 team",
        "people_cell": "Cell code",
        "people_show_team": "Show team",
        "people_branch": "Grid party branch",
        "people_members": (
            'Members: one "person id,part" a line (part: secretary / worker / member)'
        ),
        "people_save_team": "Save team",
        "people_team_saved": "{cell}: team saved ({n} people)",
        "people_no_team": "{cell}: no team yet",
        "people_list_title": "People",
        "people_kind": "Kind",
        "people_any_kind": "Every kind",
        "people_search": "Name or id",
        "people_find": "Find",
        "people_shown": "{shown} of {n} shown",
        "people_edit_title": "Edit a person",
        "people_id": "Person id",
        "people_name": "Name",
        "people_phone": "Phone",
        "people_unit": "Unit",
        "people_account": "Account",
        "people_load": "Load",
        "people_save": "Save",
        "people_deactivate": "Deactivate",
        "people_saved": "{id}: saved",
        "people_deactivated": "{id}: deactivated",
        "people_unknown": "{id}: no such person",
        "people_part": "Part",
        "people_on_duty": "on duty",
        "people_duty": "On duty",
        "people_off_duty": "—",
        "people_state": "State",
        "people_active": "active",
        "people_inactive": "deactivated",
        "people_shifts_title": "Duty shifts",
        "people_shifts_help": (
            'One "person id,starts,ends" a line, local times YYYY-MM-DD HH:MM, at most '
            "24 hours; a shift already there is not added twice."
        ),
        "people_add_shifts": "Add shifts",
        "people_shifts_added": "{n} shifts added",
        "people_import_title": "Import from a file (CSV or Excel)",
        "people_import_help": (
            "People: id,name,kind,phone,unit,username; teams: cell_code,branch,person_id,part; "
            "shifts: person_id,starts,ends. A file is taken only if every row is good; "
            "otherwise each bad row is listed."
        ),
        "people_import_kind": "The file holds",
        "people_import_auto": "by its header",
        "people_import_people": "people",
        "people_import_teams": "teams",
        "people_import_shifts": "shifts",
        "people_upload": "Drop a file here, or click to choose",
        "people_imported": (
            "{file}: {rows} rows imported — people {people}, teams {teams}, new shifts {shifts}"
        ),
        "people_refused": "{file}: not imported, {n} problems:",
    },
}
