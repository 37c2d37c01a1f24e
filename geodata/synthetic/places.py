"""Villages and their pupils; where today's schools stand."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy.spatial import cKDTree

from geodata.synthetic.layout import _Namer, _polar, to_lonlat
from geodata.synthetic.records import (
    BAND_FACTOR,
    CENTRE_LAT,
    CENTRE_LON,
    KM_PER_DEG_LAT,
    KM_PER_DEG_LON,
    N_NINE_YEAR_TOWNS,
    N_RING_TOWNS,
    N_VILLAGE_KINDERGARTEN,
    N_VILLAGE_PRIMARY,
    CountySize,
    Layout,
    Network,
    ReachLimits,
    SiteSpec,
    Town,
    Village,
    serves,
)

# ----------------------------------------------------------------------------- places


def _offset(rng: np.random.Generator, point: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """A place a little off its road junction (km)."""
    return _polar(rng, point, lo, hi)


def _pupils(rng: np.random.Generator, kind: str) -> tuple[tuple[int, int, int, int], float]:
    """Pupils per band and the yearly change of a village, by the kind of place."""
    median, sigma, cap, drift = {
        "site": (55.0, 0.30, 120.0, -0.012),
        "village": (8.0, 0.75, 45.0, -0.040),
        "hill": (6.0, 0.40, 20.0, -0.055),
        "remote": (5.0, 0.40, 15.0, -0.055),
    }[kind]
    size = min(cap, max(0.8, rng.lognormal(math.log(median), sigma)))
    k, p13, p46, j79 = (int(c) for c in rng.poisson(size * np.array(BAND_FACTOR)))
    change = float(np.clip(rng.normal(drift, 0.018 if kind != "site" else 0.01), -0.08, 0.01))
    return (k, p13, p46, j79), round(change, 3) + 0.0  # + 0.0: never "-0.000"


def _village_points(layout: Layout, towns: Sequence[Town]) -> list[int]:
    """Junctions with a village: town communities, villages, hill and remote villages.

    Ordered by town, then by distance from the town centre.
    """
    communities = []
    for town in towns:
        sites = [i for i in layout.indices("site") if layout.town[i] == town.index]
        communities += sites[: 6 if town.index == 0 else 2]
    points = communities + layout.indices("village", "hill", "remote")
    centre = np.array([towns[int(layout.town[p])].xy for p in points])
    dist = np.linalg.norm(layout.xy[points] - centre, axis=1)
    return [points[i] for i in np.lexsort((dist, layout.town[points]))]


def _make_villages(
    rng: np.random.Generator,
    layout: Layout,
    towns: Sequence[Town],
    namer: _Namer,
    network: Network,
) -> list[Village]:
    """Villages with their pupils and road node (today's schools still to come)."""
    points = _village_points(layout, towns)
    villages = []
    for number, point in enumerate(points, start=1):
        pupils, change = _pupils(rng, layout.kind[point])
        lon, lat = to_lonlat(_offset(rng, layout.xy[point], 0.03, 0.12))
        village = Village(
            id=f"V{number:03d}",
            name=f"{namer.stem()} Cun",
            town=towns[int(layout.town[point])].name,
            lon=float(lon[0]),
            lat=float(lat[0]),
            pupils=pupils,
            annual_change=change,
            node=-1,
            point=point,
        )
        villages.append(village)
    nodes = _snap(network, [(v.lon, v.lat) for v in villages])
    return [replace(v, node=int(node)) for v, node in zip(villages, nodes, strict=True)]


def _town_site_specs(
    rng: np.random.Generator,
    layout: Layout,
    towns: Sequence[Town],
    nine_year_towns: int = N_NINE_YEAR_TOWNS,
) -> tuple[list[SiteSpec], dict[int, int]]:
    """Town schools and kindergartens, each on its own street corner; and each town's yard."""
    nine_year = {
        int(t) for t in rng.choice(np.arange(1, len(towns)), nine_year_towns, replace=False)
    }
    plain = [t.index for t in towns[1:] if t.index not in nine_year]
    # a second private kindergarten in one town, in a county of five or more towns
    extra_private = int(plain[int(rng.integers(len(plain)))]) if plain and len(towns) > 5 else -1
    # two of the demo's nine other towns; in proportion (at least one) in other counties
    n_inclusive = min(len(towns) - 1, max(1, round(2 * (len(towns) - 1) / N_RING_TOWNS)))
    inclusive = {int(t) for t in rng.choice(np.arange(1, len(towns)), n_inclusive, replace=False)}
    specs: list[SiteSpec] = []
    depots: dict[int, int] = {}
    for town in towns:
        corners = [i for i in layout.indices("site") if layout.town[i] == town.index]
        corners.append(layout.indices("centre")[town.index])
        wanted = _town_schools(town, nine_year, inclusive, extra_private)
        for slot, (level, ownership, name) in enumerate(wanted):
            point = corners[slot % len(corners)]
            specs.append(SiteSpec(level, ownership, name, point, town.index, True))
        depots[town.index] = corners[-2]
    return specs, depots


def _town_schools(
    town: Town, nine_year: set[int], inclusive: set[int], extra_private: int
) -> list[tuple[str, str, str]]:
    """``(level, ownership, name)`` of the schools of one town."""
    stem = town.name.split()[0]
    if town.index == 0:
        return [
            ("primary", "public", f"{stem} No.1 Primary School"),
            ("junior", "public", f"{stem} No.1 Junior Middle School"),
            ("kindergarten", "public", f"{stem} Central Kindergarten"),
            ("primary", "public", f"{stem} No.2 Primary School"),
            ("junior", "public", f"{stem} No.2 Junior Middle School"),
            ("kindergarten", "private_inclusive", f"{stem} Sunshine Kindergarten"),
            ("primary", "public", f"{stem} No.3 Primary School"),
            ("kindergarten", "private", f"{stem} Little Stars Kindergarten"),
        ]
    ownership = "private_inclusive" if town.index in inclusive else "public"
    schools = [("kindergarten", ownership, f"{stem} Central Kindergarten")]
    if town.index in nine_year:
        schools.insert(0, ("nine_year", "public", f"{stem} Nine-Year School"))
    else:
        schools.insert(0, ("primary", "public", f"{stem} Central Primary School"))
        schools.insert(1, ("junior", "public", f"{stem} Junior Middle School"))
    if town.index == extra_private:
        schools.append(("kindergarten", "private", f"{stem} Happy Kids Kindergarten"))
    return schools


def _village_school_points(
    rng: np.random.Generator,
    layout: Layout,
    villages: Sequence[Village],
    count: int = N_VILLAGE_PRIMARY,
) -> list[int]:
    """Villages that still have a primary school: larger villages away from the towns."""
    centres = layout.xy[layout.indices("centre")]
    ordinary = [v for v in villages if layout.kind[v.point] == "village"]
    median = float(np.median([sum(v.pupils) for v in ordinary]))
    candidates = [
        v.point
        for v in ordinary
        if sum(v.pupils) >= median
        and np.min(np.linalg.norm(centres - layout.xy[v.point], axis=1)) >= 3.5
    ]
    order = [candidates[i] for i in rng.permutation(len(candidates))]
    gap = 3.2
    while True:
        chosen: list[int] = []
        for p in order:
            if all(np.linalg.norm(layout.xy[p] - layout.xy[q]) >= gap for q in chosen):
                chosen.append(p)
            if len(chosen) == count:
                return sorted(chosen)
        if gap < 0.1:  # fewer candidates than schools wanted
            return sorted(chosen)
        gap *= 0.9


def _village_site_specs(
    rng: np.random.Generator,
    layout: Layout,
    villages: Sequence[Village],
    reach: np.ndarray,
    town_specs: Sequence[SiteSpec],
    size: CountySize,
    limits: ReachLimits,
) -> list[SiteSpec]:
    """Village primary schools (one in each hill cluster) and village kindergartens."""
    stem = {v.point: v.name.removesuffix(" Cun") for v in villages}
    hills = [v.point for v in villages if layout.kind[v.point] == "hill"]
    anchors = sorted({int(layout.group[p]): p for p in reversed(hills)}.items())
    sites = _village_school_points(rng, layout, villages, size.village_primary)
    if size.extra_primary:
        primary = [s.point for s in town_specs if serves(s.level, "p13")]
        sites += _extra_points(
            reach,
            villages,
            primary + [p for _, p in anchors] + sites,
            [],
            band=1,
            limit_s=limits.primary_today_s,
            wanted=0,
            extra=size.extra_primary,
        )
        sites.sort()
    kinder = [s.point for s in town_specs if s.level == "kindergarten"] + [p for _, p in anchors]
    extra = _kindergarten_points(
        reach,
        villages,
        kinder,
        sites,
        limits.kindergarten_today_s,
        size.village_kindergarten,
        size.extra_kindergarten,
    )

    def spec(level: str, point: int, name: str, group: int = -1) -> SiteSpec:
        return SiteSpec(level, "public", name, point, int(layout.town[point]), False, group)

    return (
        [spec("primary", p, f"{stem[p]} Hill Primary School", g) for g, p in anchors]
        + [spec("primary", p, f"{stem[p]} Primary School") for p in sites]
        + [spec("kindergarten", p, f"{stem[p]} Hill Kindergarten", g) for g, p in anchors]
        + [spec("kindergarten", p, f"{stem[p]} Kindergarten") for p in extra]
    )


def _kindergarten_points(
    reach: np.ndarray,
    villages: Sequence[Village],
    kinder: Sequence[int],
    sites: Sequence[int],
    limit_s: float,
    wanted: int = N_VILLAGE_KINDERGARTEN,
    extra: int = 4,
) -> list[int]:
    """Village kindergartens, one at a time where they most shorten the longest trip.

    ``reach[v, q]`` is the bus time from village ``v`` to junction ``q``. Candidates are
    the villages; one that keeps a primary school wins a tie. More than ``wanted``
    (:data:`N_VILLAGE_KINDERGARTEN`; up to ``extra`` more) only while some child would
    still be over ``limit_s`` away.
    """
    return _extra_points(
        reach,
        villages,
        kinder,
        sites,
        band=0,
        limit_s=limit_s,
        wanted=wanted,
        extra=extra,
    )


def _extra_points(
    reach: np.ndarray,
    villages: Sequence[Village],
    existing: Sequence[int],
    preferred: Sequence[int],
    *,
    band: int,
    limit_s: float,
    wanted: int,
    extra: int,
) -> list[int]:
    """Village schools of one level, one at a time where they most shorten the longest trip.

    ``wanted`` of them, then up to ``extra`` more while some pupil of ``band`` (index
    into the village's pupils) would be over ``limit_s`` from the ``existing`` schools
    and those chosen. A village in ``preferred`` wins a tie.
    """
    rows = np.array([i for i, v in enumerate(villages) if v.pupils[band] > 0])
    if len(rows) == 0:
        return []
    best = reach[np.ix_(rows, list(existing))].min(axis=1)
    free = np.array(sorted({v.point for v in villages} - set(existing)))
    penalty = np.isin(free, list(preferred), invert=True)
    extra_points: list[int] = []
    while len(extra_points) < wanted or (
        best.max() > limit_s and len(extra_points) < wanted + extra
    ):
        after = np.minimum(best[:, None], reach[np.ix_(rows, free)])
        excess = np.maximum(after - limit_s, 0.0).sum(axis=0)
        taken = np.isin(free, extra_points)
        order = np.lexsort((free, penalty, np.round(excess), np.round(after.max(axis=0)), taken))
        chosen = int(free[order[0]])
        extra_points.append(chosen)
        best = np.minimum(best, reach[rows, chosen])
    return sorted(extra_points)


def _snap(network: Network, lonlat: Sequence[tuple[float, float]]) -> np.ndarray:
    """Nearest road node (index) of each place; never a motorway node (a layout bug)."""
    xy = [
        ((lon - CENTRE_LON) * KM_PER_DEG_LON, (lat - CENTRE_LAT) * KM_PER_DEG_LAT)
        for lon, lat in lonlat
    ]
    _, index = cKDTree(network.xy).query(np.array(xy))
    index = np.asarray(index, dtype=np.int64)
    if (index >= network.n_local).any():
        raise RuntimeError("a place would snap onto the motorway")
    return index
