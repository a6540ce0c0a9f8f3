"""The UI's words in Chinese (default) and English."""

from __future__ import annotations

LANGS = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "历下区网格化管理指挥中心",
        "site": "姚家分中心",
        "open": "在办案件",
        "today": "今日上报",
        "closed_today": "今日结案",
        "ticker": "最新上报",
        "map_title": "网格在办案件",
        "legend": "在办数",
        "live": "实时",
        "connecting": "连接中…",
        "stale": "数据可能已过期",
        "since": "最后同步",
        "cases": "件",
        "synthetic": "网格为合成示例数据",
        "other_lang": "English",
        "hover_open": "在办",
        "empty_ticker": "等待新的上报…",
        "login_needed": "大屏需要登录或使用大屏专用链接。",
        "at_risk": "即将超时",
        "overdue": "已超时",
        "target": "目标",
        "mode_load": "在办量",
        "mode_risk": "超时风险",
        "legend_risk": "风险",
        "risk_none": "无",
        "risk_ok": "正常",
        "risk_watch": "关注",
        "risk_at_risk": "预警",
        "risk_overdue": "超时",
        "kpi_page": "考核指标",
        "login": "登录",
    },
    "en": {
        "title": "Lixia District Grid Management Command Center",
        "site": "Yaojia sub-center",
        "open": "Open cases",
        "today": "Reported today",
        "closed_today": "Closed today",
        "ticker": "Latest reports",
        "map_title": "Open cases by grid cell",
        "legend": "Open",
        "live": "Live",
        "connecting": "Connecting…",
        "stale": "Data may be stale",
        "since": "last sync",
        "cases": "",
        "synthetic": "synthetic demo grid",
        "other_lang": "中文",
        "hover_open": "Open",
        "empty_ticker": "Waiting for new reports…",
        "login_needed": "The wall needs a login or its kiosk link.",
        "at_risk": "At risk",
        "overdue": "Overdue",
        "target": "target",
        "mode_load": "Open cases",
        "mode_risk": "SLA risk",
        "legend_risk": "Risk",
        "risk_none": "none",
        "risk_ok": "ok",
        "risk_watch": "watch",
        "risk_at_risk": "at risk",
        "risk_overdue": "overdue",
        "kpi_page": "KPIs",
        "login": "Log in",
    },
}


def pick_lang(requested: str | None) -> str:
    return requested if requested in LANGS else "zh"


def labels(lang: str) -> dict[str, str]:
    return LABELS[pick_lang(lang)]
