"""The warning that the working calendar runs out, naming the first day past it: in the
wall's header (between the title and the status, so the map keeps its height) and on the
admin page beside the entry; shown from ``CALENDAR_WARN_DAYS`` before that day
(cases.calendar says when and in which words). The wall's browser asks again every few
minutes (``calendarUrl``), so the warning goes once an admin enters the year."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import ids
from dashboard.calendar_api import notice_json

NOTICE_URL = "/api/calendar/notice"


def notice_strip(
    store: Any, warn_days: int, lang: str, strip_id: str = ids.CALENDAR_NOTICE
) -> html.Div:
    """The warning as the page opens (hidden while the calendar reaches far enough)."""
    notice = notice_json(store.calendar_notice(warn_days), lang)
    return html.Div(
        notice["text"] if notice else "",
        id=strip_id,
        className="calendar-notice",
        role="status",
        hidden=notice is None,
        **{"data-first-uncovered": notice["first_uncovered"] if notice else ""},  # type: ignore[arg-type]
    )


def notice_url(lang: str) -> str:
    return f"{NOTICE_URL}?lang={lang}"
