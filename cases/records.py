"""Rows to domain objects and back, and the JSON a browser receives for an event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cases import clock
from cases.model import Case, Event, Status
from cases.schema import cases

DESCRIPTION_PREVIEW = 140


def _opt_time(value: datetime | None) -> datetime | None:
    return clock.as_utc(value) if value is not None else None


def case_from_row(row: Any) -> Case:
    return Case(
        id=row.id,
        source=row.source,
        external_id=row.external_id,
        category_code=row.category_code,
        description=row.description,
        lon=row.lon,
        lat=row.lat,
        cell_code=row.cell_code,
        place=row.place,
        department=row.department,
        status=Status(row.status),
        created_at=clock.as_utc(row.created_at),
        updated_at=clock.as_utc(row.updated_at),
        deadline=clock.as_utc(row.deadline),
        closed_at=_opt_time(row.closed_at),
        version=row.version,
        priority=row.priority,
        watch_at=_opt_time(row.watch_at),
        at_risk_at=_opt_time(row.at_risk_at),
        allowed_hours=float(row.allowed_hours),
        working_hours=bool(row.working_hours),
        accepted_at=_opt_time(row.accepted_at),
        handled_at=_opt_time(row.handled_at),
        dispatch_count=row.dispatch_count,
        return_count=row.return_count,
        rework_count=row.rework_count,
        extension_count=row.extension_count,
        rating=row.rating,
        reporter=row.reporter,
        fingerprint=row.fingerprint,
        stage=row.stage,
        stage_holder=row.stage_holder,
        stage_started_at=_opt_time(row.stage_started_at),
        stage_due_at=_opt_time(row.stage_due_at),
        stage_late_at=_opt_time(row.stage_late_at),
        paused_hours=float(row.paused_hours),
        suspended_at=_opt_time(row.suspended_at),
        review_at=_opt_time(row.review_at),
        extension_requested=row.extension_requested,
        supervised_at=_opt_time(row.supervised_at),
        supervise_due_at=_opt_time(row.supervise_due_at),
        supervise_answered_at=_opt_time(row.supervise_answered_at),
        redo_count=row.redo_count,
        urgent=bool(row.urgent),
        drill=bool(row.drill),
        urgent_at=_opt_time(row.urgent_at),
        acknowledged_at=_opt_time(row.acknowledged_at),
        on_site_at=_opt_time(row.on_site_at),
        hazard_removed_at=_opt_time(row.hazard_removed_at),
    )


_CASE_COLUMNS = tuple(c.name for c in cases.columns if c.name != "id")


def case_values(case: Case) -> dict[str, Any]:
    """A Case as a row of the cases table (without its id)."""
    values = {name: getattr(case, name) for name in _CASE_COLUMNS}
    values["status"] = case.status.value
    return values


def event_from_row(row: Any) -> Event:
    return Event(
        seq=row.seq,
        kind=row.kind,
        case_id=row.case_id,
        at=clock.as_utc(row.at),
        actor=row.actor,
        from_status=Status(row.from_status) if row.from_status else None,
        to_status=Status(row.to_status),
        reason=row.reason,
        data=dict(row.data),
    )


def event_payload(ev: Event) -> dict[str, Any]:
    """The JSON a browser receives for one event."""
    return {
        "seq": ev.seq,
        "kind": ev.kind,
        "case_id": ev.case_id,
        "at": clock.iso_local(ev.at),
        "actor": ev.actor,
        "from": ev.from_status.value if ev.from_status else None,
        "to": ev.to_status.value,
        "reason": ev.reason,
        **ev.data,
    }


def case_summary(case: Case) -> dict[str, Any]:
    # Stored inside the event, so the log alone can rebuild the ticker and the map.
    text = case.description
    if len(text) > DESCRIPTION_PREVIEW:
        text = text[: DESCRIPTION_PREVIEW - 1] + "…"
    return {
        "category": case.category_code,
        "department": case.department,
        "priority": case.priority,
        "cell": case.cell_code,
        "place": case.place,
        "source": case.source,
        "description": text,
        "created_at": clock.iso_local(case.created_at),
        "deadline": clock.iso_local(case.deadline),
        # When the case turns watch / at-risk / overdue: a screen colours it without a calendar.
        "risk_at": [
            int(clock.as_utc(t).timestamp()) if t else None
            for t in (case.watch_at, case.at_risk_at, case.deadline)
        ],
        # The stage under way and when it falls due (None while its clock stands still),
        # and by when a 督办 must be answered (None: none waiting).
        "stage": case.stage,
        "stage_holder": case.stage_holder,
        "stage_due": _epoch(case.stage_due_at),
        "stage_late": _epoch(case.stage_late_at),
        "answer_by": _epoch(case.supervise_due_at) if case.supervise_answered_at is None else None,
        "version": case.version,
        # The urgent fast path (cases/urgent.py): screens sound and count by these.
        "urgent": case.urgent,
        "drill": case.drill,
    }


def _epoch(moment: datetime | None) -> int | None:
    return int(clock.as_utc(moment).timestamp()) if moment is not None else None
