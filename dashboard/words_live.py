"""The UI's words for live screens, in Chinese and English (merged into dashboard.i18n)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        # the people on patrol on the live map
        "mode_patrol": "巡查覆盖",
        "map_title_patrol": "今日网格巡查覆盖",
        "legend_patrol": "今日巡查",
        "patrol_none": "未巡查",
        "patrol_some": "部分巡查",
        "patrol_all": "已巡查",
        # the nearest people on patrol to a case (the case view)
        "nearest_title": "附近在巡人员",
        "nearest_none": "附近暂无在巡人员（30 秒内无位置）",
        "nearest_loading": "正在查找附近在巡人员…",
        "nearest_failed": "暂时无法查找附近在巡人员",
        "nearest_metres": "{m} 米",
        "nearest_km": "{km} 公里",
        "nearest_on_duty": "在岗",
        "nearest_off_duty": "不在班",
        "nearest_seen": "{s} 秒前",
    },
    "en": {
        "mode_patrol": "Patrol coverage",
        "map_title_patrol": "Patrol coverage today by grid cell",
        "legend_patrol": "Patrolled today",
        "patrol_none": "Not yet",
        "patrol_some": "Partly",
        "patrol_all": "Patrolled",
        "nearest_title": "Nearest on patrol",
        "nearest_none": "No one on patrol nearby (no position in the last 30 s)",
        "nearest_loading": "Looking for people on patrol nearby…",
        "nearest_failed": "The nearest people on patrol cannot be found now",
        "nearest_metres": "{m} m",
        "nearest_km": "{km} km",
        "nearest_on_duty": "On duty",
        "nearest_off_duty": "Off shift",
        "nearest_seen": "{s} s ago",
    },
}
