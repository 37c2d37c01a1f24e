"""Today's schools sized and assigned, bus yards, and the whole county assembled."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

import numpy as np
from scipy.sparse.csgraph import dijkstra

from geodata.synthetic.layout import _build_layout, _motorway, _Namer, _place_towns, to_lonlat
from geodata.synthetic.places import (
    _make_villages,
    _offset,
    _snap,
    _town_site_specs,
    _village_site_specs,
)
from geodata.synthetic.records import (
    CLASS_SIZE,
    DEMO_SIZE,
    VILLAGE_SCHOOL_REACH_S,
    County,
    CountySize,
    Depot,
    Layout,
    Network,
    ReachLimits,
    School,
    SiteSpec,
    Town,
    Village,
    serves,
)
from geodata.synthetic.roads import _build_network, _choose_roads, bus_time_graph

# ----------------------------------------------------------------------------- today's schools


def _assign(
    times: np.ndarray, specs: Sequence[SiteSpec], primary_s: float
) -> dict[str, np.ndarray]:
    """Index (into ``specs``) of each village's school today, per ``k``/``primary``/``junior``.

    A village's primary school is a nearer village school only where a town school is
    within ``primary_s``.
    """
    levels = [s.level for s in specs]
    out = {}
    for key, band in (("k", "k"), ("primary", "p13"), ("junior", "j79")):
        serving = np.array([i for i, lv in enumerate(levels) if serves(lv, band)])
        out[key] = serving[np.argmin(times[:, serving], axis=1)]
    town = np.array([i for i, s in enumerate(specs) if s.in_town and serves(s.level, "p13")])
    local = np.array([i for i, s in enumerate(specs) if not s.in_town and serves(s.level, "p13")])
    best_town = town[np.argmin(times[:, town], axis=1)]
    best_local = local[np.argmin(times[:, local], axis=1)]
    rows = np.arange(len(times))
    t_town, t_local = times[rows, best_town], times[rows, best_local]
    use_local = (t_local <= VILLAGE_SCHOOL_REACH_S) & (t_local < t_town)
    choice = np.where(use_local, best_local, best_town)
    out["primary"] = np.where(t_town > primary_s, out["primary"], choice)
    return out


def _enrolment(
    specs: Sequence[SiteSpec], pupils: np.ndarray, current: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Pupils each school receives today."""
    total = np.zeros(len(specs), dtype=np.int64)
    np.add.at(total, current["k"], pupils[:, 0])
    np.add.at(total, current["primary"], pupils[:, 1] + pupils[:, 2])
    np.add.at(total, current["junior"], pupils[:, 3])
    return total


def _school_record(
    rng: np.random.Generator,
    spec: SiteSpec,
    enrolment: int,
    ident: str,
    lon: float,
    lat: float,
    town: str,
) -> School:
    """Rooms, seats, beds, cost and closure flags of one school, from its enrolment."""
    size = CLASS_SIZE[spec.level]
    spare = rng.uniform(0.35, 0.65) if spec.in_town else rng.uniform(0.15, 0.6)
    minimum = 2 if spec.in_town or spec.level == "kindergarten" else 3
    rooms = max(minimum, math.ceil(enrolment * (1 + spare) / size))
    capacity = rooms * size
    seat_school = spec.in_town and spec.town == 0
    must_keep = (seat_school and spec.ownership == "public") or spec.remote_group == 0
    may_close = (
        not must_keep
        and spec.ownership != "private"
        and (not spec.in_town or (spec.level == "kindergarten" and not seat_school))
    )
    cost = (400_000 + 6_000 * capacity) * rng.uniform(0.9, 1.15)
    if spec.remote_group >= 0:
        cost *= 1.2  # hill allowance
    return School(
        id=ident,
        name=spec.name,
        town=town,
        lon=lon,
        lat=lat,
        level=spec.level,
        ownership=spec.ownership,
        classrooms=rooms,
        capacity=capacity,
        canteen_seats=_canteen(rng, spec, capacity),
        boarding_beds=_beds(rng, spec, capacity),
        may_close=may_close,
        must_keep=must_keep,
        running_cost=int(round(cost, -3)),
        enrolment=int(enrolment),
        in_town=spec.in_town,
    )


def _canteen(rng: np.random.Generator, spec: SiteSpec, capacity: int) -> int:
    """Canteen seats: town schools and most kindergartens have a canteen, village schools
    a small one at most."""
    if spec.level == "kindergarten":
        share = rng.uniform(0.6, 0.9) if spec.in_town or rng.uniform() < 0.5 else 0.0
    elif spec.in_town:
        share = rng.uniform(0.35, 0.6)
    else:
        share = rng.uniform(0.15, 0.3) if capacity >= 180 or spec.remote_group >= 0 else 0.0
    return int(round(capacity * share, -1))


def _beds(rng: np.random.Generator, spec: SiteSpec, capacity: int) -> int:
    """Boarding beds: town junior and nine-year schools board many, hill schools a few."""
    if spec.level == "kindergarten":
        return 0
    if spec.remote_group >= 0:
        return int(round(rng.uniform(20, 40), -1))
    if not spec.in_town:
        return 0
    share = (
        rng.uniform(0.15, 0.35) if spec.level in ("junior", "nine_year") else rng.uniform(0, 0.1)
    )
    return int(round(capacity * share, -1))


_PREFIX = MappingProxyType({"kindergarten": "K", "primary": "P", "junior": "J", "nine_year": "N"})
_LEVEL_ORDER = ("kindergarten", "primary", "junior", "nine_year")


def _school_ids(specs: Sequence[SiteSpec]) -> list[str]:
    """``K01..``, ``P01..``, ``J01..``, ``N01..`` in the order the schools were planned."""
    counters = dict.fromkeys(_PREFIX, 0)
    ids = []
    for spec in specs:
        counters[spec.level] += 1
        ids.append(f"{_PREFIX[spec.level]}{counters[spec.level]:02d}")
    return ids


# ----------------------------------------------------------------------------- assembly


def build_county(seed: int = 2027, size: CountySize = DEMO_SIZE, *, limits: ReachLimits) -> County:
    """Generate the whole county in memory.

    Parameters
    ----------
    seed
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same county.
    size
        How big a county (:meth:`CountySize.scaled`); the default is the demo county.
    limits
        The policy's one-way limits that today's schools are laid out against (the
        demo: :data:`~geodata.synthetic.records.POLICY_DEFAULTS`).

    Returns
    -------
    County
        Roads, villages, schools, bus yards and today's village-to-school bus times.
    """
    rng = np.random.default_rng(seed)
    namer = _Namer(rng)
    mway = _motorway(rng, size)
    towns = _place_towns(rng, namer, mway, size)
    layout = _build_layout(rng, towns, mway, size)
    network = _build_network(rng, layout, mway, _choose_roads(rng, layout, towns, size), size)
    villages = _make_villages(rng, layout, towns, namer, network)
    from_villages = dijkstra(
        bus_time_graph(network), directed=True, indices=[v.node for v in villages]
    )
    town_specs, depot_points = _town_site_specs(rng, layout, towns, size.nine_year_towns)
    specs = town_specs + _village_site_specs(
        rng, layout, villages, from_villages, town_specs, size, limits
    )
    specs.sort(key=lambda spec: _LEVEL_ORDER.index(spec.level))
    schools, times, current = _open_schools(
        rng, layout, network, towns, villages, specs, from_villages, limits
    )
    villages = [
        replace(
            v,
            current=MappingProxyType(
                {key: schools[int(current[key][i])].id for key in ("k", "primary", "junior")}
            ),
        )
        for i, v in enumerate(villages)
    ]
    depots = _depots(rng, layout, network, towns, depot_points)
    return County(seed, towns, network, tuple(villages), schools, depots, times, limits)


def _open_schools(
    rng: np.random.Generator,
    layout: Layout,
    network: Network,
    towns: Sequence[Town],
    villages: Sequence[Village],
    specs: Sequence[SiteSpec],
    from_villages: np.ndarray,
    limits: ReachLimits,
) -> tuple[tuple[School, ...], np.ndarray, dict[str, np.ndarray]]:
    """Place the schools, assign villages to them today and size them.

    Returns the schools, the village-to-school bus times (seconds) and, per ``k``,
    ``primary`` and ``junior``, the index of each village's school today.
    """
    where = [to_lonlat(_offset(rng, layout.xy[s.point], 0.06, 0.15)) for s in specs]
    lonlat = [(float(lon[0]), float(lat[0])) for lon, lat in where]
    times = from_villages[:, _snap(network, lonlat)]
    current = _assign(times, specs, limits.primary_today_s)
    pupils = np.array([v.pupils for v in villages], dtype=np.int64)
    enrolment = _enrolment(specs, pupils, current)
    ids = _school_ids(specs)
    schools = tuple(
        _school_record(rng, spec, int(enrolment[i]), ids[i], *lonlat[i], towns[spec.town].name)
        for i, spec in enumerate(specs)
    )
    return schools, times, current


def _depots(
    rng: np.random.Generator,
    layout: Layout,
    network: Network,
    towns: Sequence[Town],
    points: Mapping[int, int],
) -> tuple[Depot, ...]:
    """One school-bus yard per town, on a street corner of its own."""
    depots = []
    for town in towns:
        lon, lat = to_lonlat(_offset(rng, layout.xy[points[town.index]], 0.1, 0.2))
        depots.append(
            Depot(
                f"D{town.index + 1:02d}",
                f"{town.name.split()[0]} School Bus Yard",
                town.name,
                float(lon[0]),
                float(lat[0]),
            )
        )
    _snap(network, [(d.lon, d.lat) for d in depots])
    return tuple(depots)
