"""Names for the synthetic grid: the 14 real streets and made-up communities.

The street names are those of 历下区's 14 sub-districts (街道).  Their anchor
points are rough WGS-84 lon/lat positions (EPSG:4326) used only to place the
synthetic street areas plausibly; they are not surveyed.  Two communities
named in the source article keep their real names in their real street; every
other community name is generated from a fixed pool of place-name syllables,
so it reads like a name but is not one.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "COMMUNITY_SUFFIX",
    "RESERVED_COMMUNITIES",
    "STREET_ANCHORS",
    "STREET_NAMES",
    "STREET_SUFFIX",
    "synthetic_community_names",
]

STREET_SUFFIX = "街道"
COMMUNITY_SUFFIX = "社区"

#: Rough WGS-84 (lon, lat) of each street's area, in the order usually listed.
STREET_ANCHORS: dict[str, tuple[float, float]] = {
    "解放路": (117.041, 36.664),
    "千佛山": (117.030, 36.643),
    "趵突泉": (117.013, 36.654),
    "泉城路": (117.023, 36.664),
    "大明湖": (117.026, 36.674),
    "东关": (117.046, 36.675),
    "文东": (117.061, 36.669),
    "建筑新村": (117.052, 36.655),
    "甸柳": (117.076, 36.667),
    "燕山": (117.071, 36.649),
    "姚家": (117.097, 36.660),
    "龙洞": (117.095, 36.618),
    "智远": (117.113, 36.688),
    "舜华路": (117.150, 36.683),
}

#: The 14 streets (街道) of 历下区 without suffix.
STREET_NAMES: tuple[str, ...] = tuple(STREET_ANCHORS)

#: Communities named in the source article: street -> (community, rough WGS-84
#: lon/lat it is placed nearest to).
RESERVED_COMMUNITIES: dict[str, tuple[str, tuple[float, float]]] = {
    "趵突泉": ("舜耕路", (117.010, 36.645)),
    "建筑新村": ("和平新村", (117.047, 36.662)),
}

_FIRST = (
    "安宝朝春翠丹东芳丰福广和荷华惠佳锦景康兰乐丽林明南平清庆瑞盛顺松泰祥新兴秀阳怡永玉裕云长正"
)
_SECOND = "苑园庄里坊村湾桥林巷门亭台居府"


def synthetic_community_names(count: int, rng: np.random.Generator) -> list[str]:
    """Distinct made-up community names (without suffix), e.g. ``"荷苑"``.

    Parameters
    ----------
    count : int
        How many names.
    rng : numpy.random.Generator
        Source of the choice; the same state gives the same names.

    Returns
    -------
    list of str
        `count` distinct two-character names, none equal to a reserved one.

    Raises
    ------
    ValueError
        If the pool is too small.
    """
    reserved = {name for name, _ in RESERVED_COMMUNITIES.values()}
    pool = [a + b for a in _FIRST for b in _SECOND if a + b not in reserved]
    if count > len(pool):
        raise ValueError(f"only {len(pool)} synthetic community names available")
    picks = rng.permutation(len(pool))[:count]
    return [pool[int(i)] for i in picks]
