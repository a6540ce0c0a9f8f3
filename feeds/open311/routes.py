"""Open311 GeoReport v2 under /open311/v2/ (Flask blueprint): services, service
definitions, service requests (list, one, create) and tokens, each as .xml or .json.

Reading is public and shows only public categories (``access.is_public_category``) and no
one's name, phone or email. Filing needs an ``api_key`` whose holder may report
(``access.may_report``); the report then goes through the same ``Intake`` as
/api/reports: the same checks, the same locating in the grid, refusals recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, request
from sqlalchemy.exc import OperationalError

from cases import access
from cases.model import storable
from cases.store import Store
from cases.workflow import Actor
from feeds.intake import Intake, Rejection
from feeds.open311 import mapping, params, render
from feeds.open311.params import Open311Error, given
from geo.grid import Grid

log = logging.getLogger(__name__)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
IdentifyKey = Callable[[str], Actor | None]
RETRY_AFTER_S = 5  # as /api/reports answers (dashboard/errors.py)


def _format() -> str:
    fmt = (request.view_args or {}).get("fmt", "xml")
    return fmt if fmt in render.FORMATS else "xml"


def _answer(body: bytes, status: int = 200) -> Response:
    return Response(body, status, content_type=render.FORMATS[_format()])


def _query(name: str) -> list[str]:
    return request.args.getlist(name)


def _sent(name: str) -> list[str]:
    return request.values.getlist(name)  # POST: the form, and the query string as well


def door_error(status: int, _error: str, message: str) -> tuple[Response, int]:
    """An error under /open311/ that no Open311 route answered (no such path, a method it
    does not take, a body too large): the specification's errors array, in the format the
    path's suffix asks for (XML unless it ends in .json)."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    body = render.errors(fmt, [(status, message[:200])])
    return Response(body, status, content_type=render.FORMATS[fmt]), status


def open311_blueprint(
    store: Store,
    grid: Grid,
    intake: Intake,
    identify_key: IdentifyKey,
    jurisdiction_id: str = mapping.JURISDICTION_ID,
) -> Blueprint:
    """``identify_key`` names the holder of an api_key (None: no such key); the one seam
    between Open311 and however keys are kept."""
    bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

    @bp.errorhandler(Open311Error)
    def refused(error: Open311Error) -> Response:
        return _answer(render.errors(_format(), error.problems), error.status)

    @bp.errorhandler(OperationalError)
    def store_unavailable(exc: Exception) -> Response:
        log.warning("store unavailable: %s", str(exc).splitlines()[0][:200])
        problem = (503, "the case store cannot be reached; try again shortly")
        response = _answer(render.errors(_format(), [problem]), 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response

    @bp.url_value_preprocessor
    def check_format_and_jurisdiction(_endpoint: str | None, values: dict | None) -> None:
        fmt = (values or {}).get("fmt")
        if fmt not in render.FORMATS:
            raise Open311Error.one(404, f"format {str(fmt)[:10]!r} not supported: xml or json")
        params.check_jurisdiction(_sent if request.method == "POST" else _query, jurisdiction_id)

    @bp.get("/services.<fmt>")
    def services(fmt: str) -> Response:
        return _answer(render.render(fmt, "services", mapping.service_list(store.catalog)))

    @bp.get("/services/<service_code>.<fmt>")
    def service_definition(service_code: str, fmt: str) -> Response:
        category = mapping.public_categories(store.catalog).get(service_code)
        if category is None:
            raise Open311Error.one(404, f"service_code {service_code[:20]!r} not found")
        definition = mapping.service_definition(category)
        return _answer(render.render(fmt, "service_definition", definition))

    @bp.get("/requests.<fmt>")
    def service_requests(fmt: str) -> Response:
        catalog = store.catalog
        public = mapping.public_categories(catalog)
        listing = params.parse_listing(_query, public, store.now())
        found = store.find_cases(
            ids=listing.ids,
            categories=listing.categories,
            statuses=listing.statuses,
            created_from=listing.created_from,
            created_to=listing.created_to,
            limit=listing.limit,
            offset=listing.offset,
        )
        rows = [mapping.request_record(case, catalog, grid) for case in found]
        return _answer(render.render(fmt, "service_requests", rows))

    @bp.get("/requests/<request_id>.<fmt>")
    def service_request(request_id: str, fmt: str) -> Response:
        catalog = store.catalog
        public = mapping.public_categories(catalog)
        found = []
        if params.is_number(request_id) and len(request_id) < 12:
            found = store.find_cases(ids=[int(request_id)], categories=list(public), limit=1)
        if not found:  # a case the public may not read is answered as one that does not exist
            raise Open311Error.one(404, f"service_request_id {request_id[:20]!r} not found")
        row = mapping.request_record(found[0], catalog, grid)
        return _answer(render.render(fmt, "service_requests", [row]))

    @bp.get("/tokens/<token>.<fmt>")
    def token(token: str, fmt: str) -> Response:
        # Every service is realtime: a request's id is in the answer to its POST, so no
        # token is ever issued and none can be found.
        raise Open311Error.one(404, f"token {token[:40]!r} not found (this server issues none)")

    @bp.post("/requests.<fmt>")
    def create_request(fmt: str) -> Response:
        if request.mimetype not in FORM_TYPES:
            raise Open311Error.one(400, "send the request as application/x-www-form-urlencoded")
        if "api_key" in request.args:
            # In the address a key reaches every access log and proxy on the way.
            raise Open311Error.one(400, "send api_key in the form body, not in the address")
        key = given(request.form.getlist, "api_key")
        actor = identify_key(key) if key and storable(key) else None
        if not access.may_report(actor):
            raise Open311Error.one(403, "api_key missing or invalid: can't create a request")
        # Kept with a refusal, as sent but for the key.
        raw = urlencode([(k, v) for k, v in request.values.items(multi=True) if k != "api_key"])
        catalog = store.catalog
        try:
            code = given(_sent, "service_code")
            if not code:
                raise Open311Error.one(400, "service_code was not provided")
            category = mapping.public_categories(catalog).get(code)
            if category is None:
                raise Open311Error.one(404, f"service_code {code[:20]!r} not found")
            body = params.report_body(_sent, request.values.to_dict(flat=False), category, grid)
        except Open311Error as error:
            detail = "; ".join(description for _code, description in error.problems)
            store.record_rejection("open311_invalid", detail, raw)
            raise
        try:
            # Records its own refusals; the event names the key that filed it.
            accepted = intake.accept(body, raw, sender=actor.label if actor else "")
        except Rejection as rejection:
            raise _refusal(rejection) from None
        created = mapping.created_record(accepted.case, catalog)
        return _answer(render.render(fmt, "service_requests", [created]), 201)

    return bp


def _refusal(rejection: Rejection) -> Open311Error:
    """The intake's refusal as the errors array, its fields named as the client sent them."""
    if rejection.fields:
        return Open311Error(
            400,
            [
                (400, f"{params.FIELD_NAMES.get(name, name)}: {message}")
                for name, message in rejection.fields.items()
            ],
        )
    return Open311Error.one(400, rejection.message)
