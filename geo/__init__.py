"""Geography of gridcc: coordinate systems and the governance grid of 历下区.

Submodules
----------
coords
    WGS-84 / GCJ-02 / BD-09 conversions.
grid
    :class:`~geo.grid.Grid` cells and point-in-cell lookup (WGS-84).
generate
    Builder of the synthetic starter grid (``python -m geo.generate``).
geojson, metric
    GeoJSON helpers and the metric CRS (UTM 50N) used for distances.

Importing this package does no geometry work and loads no data.
"""

from geo.grid import Grid, Location, default_grid_path, load_default_grid

__all__ = ["Grid", "Location", "default_grid_path", "load_default_grid"]
