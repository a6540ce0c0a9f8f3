"""``gridcc grid …``: generate, import, validate and describe grid files.

Wire it into a parser with ``register(subparsers)``; each subcommand sets
``func`` to a function taking the parsed Namespace.  Those functions print to
stdout, draw progress bars on stderr, and exit with status 1 (SystemExit)
when there are problems.  All files written hold WGS-84 lon/lat GeoJSON.

Subcommands:

``generate [--seed N] [--out PATH]``
    write the synthetic 历下区 grid (default ``var/grid.geojson``);
``import FILE [--out PATH] [--fix] [--code-column C] [--layer L] …``
    read a city's grid (GeoJSON, GeoPackage, Shapefile; any CRS), check it,
    optionally fix what can be fixed, and write gridcc's GeoJSON; refuses to
    write while errors remain;
``validate FILE``
    print the validation report;
``info [FILE]``
    counts per level, bounds, area, synthetic or not (default: the grid the
    app would load, ``$GRID_FILE`` or the bundled one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["DEFAULT_OUT", "main", "register"]

#: Where ``generate`` and ``import`` write by default; gridcc serves this grid when it
#: exists (GRID_FILE's default), and the bundled synthetic one otherwise.
DEFAULT_OUT = Path("var") / "grid.geojson"


def _how_to_use(path: Path) -> str:
    if Path(path).resolve() == DEFAULT_OUT.resolve():
        return "the next `gridcc serve` (or `gridcc demo`) uses it"
    return f"use it with GRID_FILE={path}"


def _exit_on_failure(
    run: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], None]:
    def func(args: argparse.Namespace) -> None:
        status = run(args)
        if status:
            raise SystemExit(status)

    func.__name__ = run.__name__
    func.__doc__ = run.__doc__
    return func


def _outline(args: argparse.Namespace) -> Any:
    """The outline named by --outline (WGS-84), or None."""
    if not args.outline:
        return None
    if args.outline == "bundled":
        from geo.geojson import read_geometry
        from geo.grid import default_outline_path

        return read_geometry(default_outline_path())
    from geo.gridfile import read_outline

    return read_outline(args.outline, source_crs=args.outline_crs)


def _read(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from geo.gridfile import read_grid_file

    if not Path(args.file).exists():
        raise SystemExit(f"{args.file}: no such file")

    outline = _outline(args)
    frame, report = read_grid_file(
        args.file,
        code_column=args.code_column,
        street_column=args.street_column,
        community_column=args.community_column,
        name_column=args.name_column,
        layer=args.layer,
        source_crs=args.crs,
        outline=outline,
    )
    return frame, report, outline


def run_generate(args: argparse.Namespace) -> int:
    """Write the synthetic grid of 历下区 (WGS-84 GeoJSON)."""
    from geo.generate import generate_grid, write_grid_geojson

    cells = generate_grid(seed=args.seed, target_cells=args.target_cells, progress=True)
    write_grid_geojson(cells, args.out)
    streets = len({c.street_code for c in cells})
    communities = len({c.community_code for c in cells})
    print(f"wrote {len(cells)} cells, {communities} communities, {streets} streets to {args.out}")
    print(_how_to_use(args.out))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Print the validation report of a grid file; status 1 when it has errors."""
    from geo.progress import steps

    for _ in steps(range(1), "validate", enabled=True):
        _, report, _ = _read(args)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(report.format(limit=args.limit))
    return 0 if report.ok else 1


def run_import(args: argparse.Namespace) -> int:
    """Read, check, optionally fix, and write a city's grid as gridcc GeoJSON."""
    from geo.gridfile import write_grid
    from geo.progress import steps
    from geo.repair import fix_grid
    from geo.validation import validate_grid

    bar = steps(range(3), "import", enabled=True)
    next(bar, None)
    frame, report, outline = _read(args)
    next(bar, None)
    if args.fix and report.problems:
        notes = report.notes
        frame, fixes = fix_grid(frame, report, outline=outline, max_gap_m2=args.max_gap)
        for fix in fixes:
            print(fix)
        report = validate_grid(frame, outline=outline)
        report.source, report.notes = str(args.file), [*notes, f"{len(fixes)} fixes applied"]
    next(bar, None)
    if not report.ok:
        print(report.format(limit=args.limit))
        hint = " (try --fix)" if any(p.fixable for p in report.errors) and not args.fix else ""
        count = len(report.errors)
        print(f"not written: {count} error{'s' if count > 1 else ''} remain{hint}")
        return 1
    path = write_grid(frame, args.out, synthetic=False, attribution=args.attribution)
    print(report.format(limit=args.limit))
    print(f"wrote {len(frame)} cells to {path}; {_how_to_use(path)}")
    return 0


def run_info(args: argparse.Namespace) -> int:
    """Print counts per level, bounds, area and provenance of a grid."""
    from geo.grid import Grid, default_grid_path
    from geo.gridfile import file_is_synthetic, frame_to_grid, read_grid_file
    from geo.metric import to_metric

    path = Path(args.file or os.environ.get("GRID_FILE") or DEFAULT_OUT)
    if not args.file and not path.exists():
        path = default_grid_path()
    if not path.exists():
        print(f"{path}: no such file")
        return 1
    if path.suffix.lower() in (".geojson", ".json"):
        try:
            grid = Grid.from_geojson(path)
        except ValueError:
            grid = None
    else:
        grid = None
    if grid is None:
        frame, _ = read_grid_file(path, layer=args.layer)
        try:
            grid = frame_to_grid(frame, synthetic=file_is_synthetic(path))
        except ValueError as exc:
            print(f"{path}: cannot load as a grid: {exc}\nrun `gridcc grid validate {path}`")
            return 1
    areas = np.asarray([g.area for g in to_metric(grid.geometries)]) / 1e6
    minx, miny, maxx, maxy = grid.bounds
    print(f"grid: {path}")
    print(f"synthetic: {'yes' if grid.synthetic else 'no'}")
    if grid.attribution:
        print(f"attribution: {grid.attribution}")
    print(
        f"streets: {len(grid.level_codes('street'))}  "
        f"communities: {len(grid.level_codes('community'))}  cells: {len(grid)}"
    )
    print(f"bounds (WGS-84 lon/lat): {minx:.6f},{miny:.6f} to {maxx:.6f},{maxy:.6f}")
    if len(areas):
        print(f"area: {areas.sum():.2f} km² (UTM 50N)")
        print(
            f"cell area km²: min {areas.min():.4f}  median {np.median(areas):.4f}  "
            f"max {areas.max():.4f}"
        )
    return 0


def _reading_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("file", type=Path, help="GeoJSON, GeoPackage, Shapefile, … (any CRS)")
    common.add_argument("--code-column", default="code", help="column of 15-digit cell codes")
    common.add_argument("--street-column", help="column of street names (default: street)")
    common.add_argument("--community-column", help="column of community names")
    common.add_argument("--name-column", help="column of cell names (default: name)")
    common.add_argument("--layer", help="layer of a multi-layer file")
    common.add_argument("--crs", help="override the file's CRS: EPSG:…, gcj02 or bd09")
    common.add_argument(
        "--outline", help="district outline file for gap/outside checks, or 'bundled' (历下区)"
    )
    common.add_argument("--outline-crs", help="override the outline file's CRS")
    common.add_argument("--limit", type=int, default=200, help="problems to print at most")
    return common


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``grid`` command and its subcommands to a parser.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``parser.add_subparsers()`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The ``grid`` parser.
    """
    from geo.generate import DEFAULT_TARGET_CELLS

    grid = subparsers.add_parser("grid", help="generate, import, validate and describe grids")
    sub = grid.add_subparsers(dest="grid_command", required=True)
    common = _reading_options()

    p = sub.add_parser("generate", help="write the synthetic 历下区 grid")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--target-cells", type=int, default=DEFAULT_TARGET_CELLS)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.set_defaults(func=_exit_on_failure(run_generate))

    p = sub.add_parser("import", parents=[common], help="import a city's grid file")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--fix", action="store_true", help="fix the fixable problems first")
    p.add_argument("--max-gap", type=float, default=500.0, help="largest gap to fill, m²")
    p.add_argument("--attribution", default="", help="credit line shown on the map")
    p.set_defaults(func=_exit_on_failure(run_import))

    p = sub.add_parser("validate", parents=[common], help="check a grid file")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_exit_on_failure(run_validate))

    p = sub.add_parser("info", help="counts, bounds and area of a grid")
    p.add_argument("file", nargs="?", type=Path, help="default: $GRID_FILE or the bundled grid")
    p.add_argument("--layer")
    p.set_defaults(func=_exit_on_failure(run_info))
    return grid


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m geo.cli grid …`` without the app.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(prog="gridcc")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
