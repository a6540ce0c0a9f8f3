"""Geography of gridcc: coordinate systems and the governance grid of 历下区.

Submodules
----------
coords
    WGS-84 / GCJ-02 / BD-09 conversions.
grid, levels, locate
    :class:`~geo.grid.Grid` cells (WGS-84), their street/community levels and
    display GeoJSON, and vectorised point-in-cell lookup.
hierarchy
    Cell, community and street codes and their numbering rule.
generate, synthetic, partition, names
    Builder of the synthetic starter grid (``gridcc grid generate``).
gridfile, validation, geometry_checks, problems, repair
    Import a city's own grid file (any format and CRS), check it, fix it when
    asked, and write gridcc's GeoJSON.
cli
    ``gridcc grid generate | import | validate | info``.
geojson, display, metric, progress
    GeoJSON helpers, display simplification, metric CRSs, progress bars.

Importing this package does no geometry work and loads no data.
"""

from geo.grid import Grid, Location, default_grid_path, load_default_grid

__all__ = ["Grid", "Location", "default_grid_path", "load_default_grid"]
