"""Exports over HTTP: the cases one may see, with the desk's filters, as CSV, Excel or
GeoJSON, streamed as they are read.

    GET /api/export/cases.csv | cases.xlsx | cases.geojson
        ?status=&category=&department=&street=&community=&cell=&risk=
        &reported_from=YYYY-MM-DD&reported_to=YYYY-MM-DD&lang=zh|en

The access policy decides who may export (``access.may_export``), which cases a file holds
(``access.case_view``, asked again of every case) and whether it names the reporter
(``access.may_see_reporters``). A filter the export cannot take is a JSON 400.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from flask import Blueprint, Response, jsonify, request, stream_with_context

from cases import access, clock
from cases.export import FilterError, Sheet, parse_filter
from cases.export_files import csv_chunks, geojson_chunks, xlsx_chunks
from cases.model import Case
from cases.store import Store
from cases.workflow import Actor
from dashboard.auth import Auth
from dashboard.i18n import pick_lang

Writer = Callable[[Sheet, Iterable[list[Case]]], Iterator[bytes]]
FORMATS: dict[str, tuple[str, Writer]] = {
    "csv": ("text/csv; charset=utf-8", csv_chunks),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx_chunks),
    "geojson": ("application/geo+json", geojson_chunks),
}


def visible(actor: Actor, batches: Iterable[list[Case]]) -> Iterator[list[Case]]:
    """The batches as the actor may see them: the store read already asked for their view;
    the policy is asked again of each case, so no case outside it can reach a file."""
    for batch in batches:
        yield [case for case in batch if access.may_see_case(actor, case)]


def export_api(store: Store, auth: Auth) -> Blueprint:
    bp = Blueprint("export_api", __name__)

    @bp.get("/api/export/cases.<fmt>")
    @auth.require(access.may_export)
    def export_cases(fmt: str) -> Response | tuple[Response, int]:
        if fmt not in FORMATS:
            return jsonify({"error": "unknown_format", "message": "csv, xlsx or geojson"}), 404
        actor = auth.current_actor()
        view = access.case_view(actor)
        assert actor is not None and view is not None  # require() let us in
        args = request.args.to_dict(flat=False)
        lang = pick_lang(args.get("lang", ["zh"])[-1])
        try:
            wanted = parse_filter(args, store.catalog)
        except FilterError as exc:
            return jsonify({"error": "invalid_filter", "message": str(exc)}), 400
        now = store.now()
        sheet = Sheet(store.catalog, now, lang, personal=access.may_see_reporters(actor))
        mimetype, write = FORMATS[fmt]
        chunks = write(sheet, visible(actor, store.case_batches(view, *wanted.conditions(now))))
        response = Response(stream_with_context(chunks), mimetype=mimetype)
        day = clock.as_utc(now).astimezone(clock.LOCAL_TZ).date().isoformat()
        response.headers["Content-Disposition"] = f'attachment; filename="cases-{day}.{fmt}"'
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        return response

    return bp
