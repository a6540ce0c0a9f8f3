"""bench/map.py's data: synthetic grids as GeoJSON, the shared event stream, the local server.

Grids are generated inside the 历下区 outline (geo.generate, as bench/locate.py does) and
cached under ``var/bench/map/``; every file the pages load is served by URL from a small
HTTP server on 127.0.0.1 (loopback only), uncompressed.
"""

from __future__ import annotations

import gzip
import json
import math
import tarfile
import threading
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from geo.generate import generate_grid
from geo.geojson import grid_feature, write_feature_collection

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "map_pages"
DATA = ROOT / "var" / "bench" / "map"
PLOTLY_JS = Path(__import__("plotly").__file__).parent / "package_data" / "plotly.min.js"
MAPLIBRE_VERSION = "5.24.1"
VENDORED = ROOT / "assets" / "vendor" / "maplibre-gl.js"
NPM_CACHE = ROOT / "var" / "cache" / "maplibre"


@dataclass
class BenchGrid:
    """One synthetic grid on disk, with what the pages need beside the GeoJSON."""

    cells: int
    path: Path
    center: tuple[float, float]
    zoom: float


def zoom_for(bounds: tuple[float, float, float, float], width: int, height: int) -> float:
    """A MapLibre zoom (512-px tiles) fitting WGS-84 ``bounds`` in a viewport (as the wall)."""
    minx, miny, maxx, maxy = bounds
    lat_span = max(maxy - miny, 1e-6) / math.cos(math.radians((miny + maxy) / 2))
    zoom_x = math.log2(width * 360 / (512 * max(maxx - minx, 1e-6)))
    zoom_y = math.log2(height * 360 / (512 * lat_span))
    return round(min(zoom_x, zoom_y) - 0.15, 2)


def grid_files(target: int, seed: int, viewport: tuple[int, int]) -> BenchGrid:
    """The grid of about ``target`` cells: generated once, then read from var/bench/map/.

    Each feature's ``id`` is the cell code (the baseline's featureidkey) and its property
    ``i`` the cell's index (MapLibre's promoteId); ``plotly-<n>.json`` holds the codes and
    names the baseline figure carries.
    """
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"grid-{target}-s{seed}.geojson"
    meta_path = DATA / f"grid-{target}-s{seed}.json"
    if not (path.exists() and meta_path.exists()):
        cells = generate_grid(seed=seed, target_cells=target)
        features = []
        for i, c in enumerate(cells):
            feature = grid_feature(c.code, c.name, c.street, c.community, c.geometry)
            feature["properties"]["i"] = i
            features.append(feature)
        write_feature_collection(path, features, synthetic=True)
        bounds = np.array([c.geometry.bounds for c in cells])
        meta = {
            "codes": [c.code for c in cells],
            "names": [c.name for c in cells],
            "bounds": [*bounds[:, :2].min(axis=0).tolist(), *bounds[:, 2:].max(axis=0).tolist()],
        }
        meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    (DATA / f"plotly-{target}-s{seed}.json").write_text(
        json.dumps({"codes": meta["codes"], "names": meta["names"]}, ensure_ascii=False),
        encoding="utf-8",
    )
    minx, miny, maxx, maxy = meta["bounds"]
    return BenchGrid(
        cells=len(meta["codes"]),
        path=path,
        center=((minx + maxx) / 2, (miny + maxy) / 2),
        zoom=zoom_for((minx, miny, maxx, maxy), *viewport),
    )


def event_stream(cells: int, events: int, seed: int) -> tuple[list[int], list[list[int]]]:
    """Open-case counts per cell and ``events`` changes ``[cell, +1 | -1]`` (a case opened or
    closed), skewed towards a few busy cells; never below zero. The same for both paths."""
    rng = np.random.default_rng(seed)
    initial = rng.poisson(0.6, cells).astype(int)
    weight = rng.pareto(1.5, cells) + 0.05
    weight /= weight.sum()
    values = initial.copy()
    out: list[list[int]] = []
    for cell in rng.choice(cells, size=events, p=weight).tolist():
        delta = 1 if values[cell] == 0 or rng.random() < 0.55 else -1
        values[cell] += delta
        out.append([cell, delta])
    return initial.tolist(), out


def final_values(initial: list[int], events: list[list[int]]) -> list[int]:
    """The counts after every event: what each path must show at the end."""
    values = list(initial)
    for cell, delta in events:
        values[cell] += delta
    return values


def write_stream(grid: BenchGrid, events: int, seed: int, url: str) -> tuple[str, list[int]]:
    """The stream file of ``grid`` (initial counts, events, centre, zoom, cells URL);
    returns its name and the final counts."""
    initial, stream = event_stream(grid.cells, events, seed)
    name = f"stream-{grid.cells}.json"
    doc = {
        "cellsUrl": url,
        "center": list(grid.center),
        "zoom": grid.zoom,
        "initial": initial,
        "events": stream,
    }
    (DATA / name).write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    return name, final_values(initial, stream)


def maplibre_files() -> tuple[Path, Path | None, str]:
    """maplibre-gl.js and .css: the vendored copy when assets/vendor has it, else maplibre-gl
    5.24.1 packed from the npm registry into var/cache/maplibre (``npm pack``, once)."""
    if VENDORED.exists():  # its stylesheet only styles controls the bench does not draw
        css = VENDORED.with_suffix(".css")
        return VENDORED, css if css.exists() else None, "assets/vendor/maplibre-gl.js"
    js = NPM_CACHE / f"maplibre-gl-{MAPLIBRE_VERSION}.js"
    css = NPM_CACHE / f"maplibre-gl-{MAPLIBRE_VERSION}.css"
    if not (js.exists() and css.exists()):
        import subprocess

        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        tgz = NPM_CACHE / f"maplibre-gl-{MAPLIBRE_VERSION}.tgz"
        if not tgz.exists():
            subprocess.run(
                ["npm", "pack", f"maplibre-gl@{MAPLIBRE_VERSION}", "--pack-destination", NPM_CACHE],
                check=True,
                capture_output=True,
                timeout=300,
            )
        with tarfile.open(tgz) as tar:
            for member, target in (("maplibre-gl.js", js), ("maplibre-gl.css", css)):
                source = tar.extractfile(f"package/dist/{member}")
                assert source is not None
                target.write_bytes(source.read())
    return js, css, f"npm maplibre-gl@{MAPLIBRE_VERSION} ({js.relative_to(ROOT)})"


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


class _Handler(SimpleHTTPRequestHandler):
    routes: ClassVar[dict[str, Path]] = {}

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0]
        if path in self.routes:
            return str(self.routes[path])
        for prefix, folder in (("/pages/", PAGES), ("/data/", DATA)):
            if path.startswith(prefix) and "/" not in path[len(prefix) :]:
                return str(folder / path[len(prefix) :])
        return str(DATA / "missing")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(maplibre_js: Path, maplibre_css: Path | None) -> tuple[ThreadingHTTPServer, str]:
    """Pages, engines and data on 127.0.0.1 at a free port; returns the server and its URL."""
    routes = {
        "/engine/plotly.min.js": PLOTLY_JS,
        "/engine/maplibre-gl.js": maplibre_js,
        "/engine/maplibre-gl.css": maplibre_css or DATA / "missing",
    }
    handler = partial(type("Handler", (_Handler,), {"routes": routes}), directory=str(DATA))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
