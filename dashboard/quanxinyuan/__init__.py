"""泉心愿 on the web: the community's desk (/community), a unit's page (/unit), the public's
phone page (/qxy), their API routes, and the platform's live events on the sockets.

``register(web, core, settings)`` builds the platform's parts once per web instance. Each
area is one module here (``AREAS``) with ``build(parts) -> Blueprint`` (its store, made on
``parts`` and kept there for the others, and its routes) and ``SECTIONS`` (page name →
its tab on that page: ``frame.Section``). The frame, the pages and the public sign-in are
shared; an area never edits another's module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import jsonify, request

from cases.lease import deployment_lease
from cases.model import storable
from cases.outbox import Outbox
from cases.photos import PhotoFiles
from cases.quanxinyuan import access as qxy_access
from cases.quanxinyuan import log
from cases.quanxinyuan.log import QxyEvent
from cases.quanxinyuan.photos import QxyPhotos
from cases.quanxinyuan.platform import Places, Platform, QxyError
from cases.quanxinyuan.residents import Residents
from dashboard.quanxinyuan.public_auth import PublicAuth, public_auth_api

if TYPE_CHECKING:
    from flask_socketio import SocketIO

    from app import Core, Settings
    from dashboard.web import Web

EVENT_NAME = "qxy_event"
MAX_ITEM_ID = 2**31 - 1  # the platform tables' integer keys
# The areas, in the order of their tabs.
AREAS = ("wish_desk", "call_desk", "problem_desk", "lists_desk", "counts_desk")


@dataclass
class Parts:
    """The platform's parts in one web instance; each area's store is set by its build."""

    core: Core
    settings: Settings
    web: Web
    platform: Platform
    residents: Residents
    photos: QxyPhotos
    public: PublicAuth
    units: Any = None  # cases.quanxinyuan.units.Units (wish_desk)
    teams: Any = None  # cases.quanxinyuan.volunteers.Volunteers (call_desk)
    wishes: Any = None  # cases.quanxinyuan.wishes.Wishes (wish_desk)
    calls: Any = None  # cases.quanxinyuan.calls.Calls (call_desk)
    problems: Any = None  # cases.quanxinyuan.problems.Problems (problem_desk)
    lists: Any = None  # cases.quanxinyuan.lists.Lists (lists_desk)
    counts: Any = None  # cases.quanxinyuan.counts (counts_desk)


def platform_for(core: Core) -> Platform:
    grid = core.grid
    places = Places(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
    return Platform(core.store.engine, places, core.store.now)


class QxyHub:
    """Sends each committed platform event to the rooms allowed to see it."""

    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio

    def publish(self, event: QxyEvent) -> None:
        for room, payload in qxy_access.deliveries(event):
            self.socketio.emit(EVENT_NAME, payload, to=room)


def platform_outbox(platform: Platform, web: Web, core: Core) -> Outbox:
    """泉心愿's log published in order to its rooms, by one process of the deployment."""
    settings = core.settings
    hub = QxyHub(web.socketio)

    def read(after: int, limit: int) -> list[QxyEvent]:
        with platform.engine.connect() as conn:
            return log.since(conn, after, limit)

    def deliver(batch: list[QxyEvent]) -> None:
        for event in batch:
            hub.publish(event)

    return Outbox(
        platform.engine,
        read,
        deliver,
        deployment_lease(settings.redis_url, f"{settings.fanout_channel}-qxy-outbox"),
        committed=log.SEQUENCE,
        marked="qxy_published",
        # A step in this process wakes it at once; other processes' steps are rare (a
        # community's desk, a phone): no need to read the counter 50 times a second.
        poll=0.25,
    )


def area_modules() -> list[Any]:
    out = []
    for name in AREAS:
        try:
            out.append(importlib.import_module(f"dashboard.quanxinyuan.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"dashboard.quanxinyuan.{name}":
                raise
    return out


def register(web: Web, core: Core, settings: Settings) -> Parts:
    from dashboard.quanxinyuan.pages import pages_blueprint
    from dashboard.quanxinyuan.photos_api import photos_blueprint

    platform = platform_for(core)
    residents = Residents(platform)
    photos = QxyPhotos(PhotoFiles(settings.media_dir), settings.photo_limits)
    parts = Parts(core, settings, web, platform, residents, photos, PublicAuth(residents))
    # 泉心愿's log is an outbox too: a step commits and returns; one process publishes.
    outbox = platform_outbox(platform, web, core)
    platform.subscribe(outbox.wake)
    web.outboxes.append(outbox)
    server = web.server
    server.register_error_handler(QxyError, _refused)
    server.before_request(_no_such_item)
    server.register_blueprint(public_auth_api(parts.public, web.limits))
    for module in area_modules():
        server.register_blueprint(module.build(parts))
    server.register_blueprint(photos_blueprint(parts))
    server.register_blueprint(pages_blueprint(parts))
    server.extensions["gridcc_qxy"] = parts
    return parts


def _no_such_item() -> Any:
    """What no table can hold names nothing, before a store is asked (SQLite and PostgreSQL
    would refuse the value itself): an id past the integer keys
    (/api/qxy/wishes/9223372036854775808) or a text with a NUL or a lone surrogate in the
    path is no item (404); such a text in an API route's query is a bad query (400)."""
    if not (request.blueprint or "").startswith("qxy_"):
        return None
    for name, value in (request.view_args or {}).items():
        too_big = isinstance(value, int) and not 0 < value <= MAX_ITEM_ID
        if too_big or (isinstance(value, str) and not storable(value)):
            return jsonify({"error": "not_found", "message": f"no such {name}"}), 404
    if not request.path.startswith("/api/"):
        return None  # a page reads its query itself (?lang=: known languages only)
    for name, text in request.args.items(multi=True):
        if not storable(name) or not storable(text):
            return jsonify({"error": "query", "message": "the query holds a NUL"}), 400
    return None


def _refused(exc: QxyError) -> Any:
    return jsonify({"error": exc.problem, "message": str(exc)}), exc.status
