"""The working calendar over HTTP: the warning every screen may show while it runs out, and
for admins its coverage and a year's schedule entered (the file's text as the body).

Entering a year recounts the open cases' deadlines (cases/recompute.py); the answer says
how many moved. A refused file answers 400 naming the line, in English and Chinese.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from cases import access, clock
from cases.calendar import CoverageNotice, YearSchedule
from cases.calendar_file import FIRST_YEAR, LAST_YEAR, ScheduleRefused, parse_schedule
from cases.calendar_rows import CoveredYear
from cases.store import Store
from dashboard.auth import Auth
from dashboard.i18n import pick_lang


def notice_json(notice: CoverageNotice | None, lang: str) -> dict[str, Any] | None:
    if notice is None:
        return None
    return {
        "covered_until": notice.covered_until.isoformat(),
        "first_uncovered": notice.first_uncovered.isoformat(),
        "days_left": notice.days_left,
        "text": notice.text(lang),
    }


def year_json(year: CoveredYear) -> dict[str, Any]:
    return {
        "year": year.year,
        "source": year.source,
        "entered_at": clock.iso_local(year.entered_at),
        "entered_by": year.entered_by,
        "days": year.days,
    }


def schedule_json(schedule: YearSchedule) -> dict[str, Any]:
    return {
        "year": schedule.year,
        "days": [
            {"day": d.day.isoformat(), "working": d.working, "name": d.name} for d in schedule.days
        ],
    }


def _error(status: int, error: str, message: str, zh: str, **more: Any) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message, "message_zh": zh, **more}), status


def calendar_api(store: Store, auth: Auth, warn_days: int) -> Blueprint:
    bp = Blueprint("calendar_api", __name__)

    @bp.get("/api/calendar/notice")
    @auth.require(access.may_read_calendar_notice)
    def notice() -> Response:
        lang = pick_lang(request.args.get("lang"))
        return jsonify({"notice": notice_json(store.calendar_notice(warn_days), lang)})

    @bp.get("/api/admin/calendar")
    @auth.require(access.may_edit_calendar)
    def coverage() -> tuple[Response, int]:
        lang = pick_lang(request.args.get("lang"))
        today = store.local_today()
        calendar = store.work_calendar
        body: dict[str, Any] = {
            "years": [year_json(y) for y in store.calendar_coverage()],
            "covered_until": calendar.covered_until(today).isoformat(),
            "first_uncovered": calendar.first_uncovered(today).isoformat(),
            "warn_days": warn_days,
            "notice": notice_json(store.calendar_notice(warn_days), lang),
        }
        asked = request.args.get("year")
        if asked is not None:
            if not (asked.isascii() and asked.isdigit() and FIRST_YEAR <= int(asked) <= LAST_YEAR):
                return _error(
                    400,
                    "invalid_query",
                    f"year: a year between {FIRST_YEAR} and {LAST_YEAR}",
                    f"year：{FIRST_YEAR}–{LAST_YEAR} 之间的年份",
                )
            schedule = calendar.schedule(int(asked))
            body["schedule"] = schedule_json(schedule) if schedule else None
        return jsonify(body), 200

    @bp.post("/api/admin/calendar")
    @auth.require(access.may_edit_calendar)
    def enter() -> tuple[Response, int]:
        actor = auth.current_actor()
        assert actor is not None  # require() let us in
        try:
            text = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError:
            return _error(400, "invalid_calendar", "the file is not UTF-8", "文件不是 UTF-8 编码")
        try:
            schedule = parse_schedule(text)
        except ScheduleRefused as exc:
            return _error(400, "invalid_calendar", str(exc), exc.zh, line=exc.line)
        entered = store.enter_calendar_year(schedule, actor)
        lang = pick_lang(request.args.get("lang"))
        return jsonify(
            {
                "year": entered.year,
                "days": entered.days,
                "replaced": entered.replaced,
                "recomputed": entered.recomputed,
                "notice": notice_json(store.calendar_notice(warn_days), lang),
            }
        ), 200

    return bp
