"""The case store: cases and their event log, on SQLite or PostgreSQL (SQLAlchemy 2).

Split by concern: ``storage`` (engine, schema, transactions), ``catalog_admin`` (the
catalog as stored), ``writes`` (reports and actions, each one transaction with its
event), ``photo_store`` (photos attached to cases, each with its event), ``reads`` (cases,
the log, snapshots), ``lists`` (the desks' pages of cases), ``calendar_admin`` (the working
calendar entered a year at a time) and ``recompute`` (open cases' deadlines counted again
when it changes). ``Store`` is all of them in one object.
"""

from __future__ import annotations

from cases.calendar_admin import CalendarAdmin
from cases.lists import Lists
from cases.migrate import StoreOutdated, StoreUnknown
from cases.photo_store import CasePhotos
from cases.reads import OPEN_STATES, Reads

__all__ = ["OPEN_STATES", "Store", "StoreOutdated", "StoreUnknown"]


class Store(CasePhotos, Reads, Lists, CalendarAdmin):
    """Cases and the event log. ``publish`` is called with each event after its commit."""
