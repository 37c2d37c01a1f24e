"""Editable place tables from an OSM file: a planner starts from real places.

``schoolplan places ROADS --out DIR`` writes ``villages.csv``, ``schools.csv`` (and
the same two sheets in ``places.xlsx``) from the OSM file's tags:

- **villages** from ``place=village|hamlet|town|isolated_dwelling``; pupils by band are
  an estimate from the ``population`` tag where OSM has one, else from a typical
  population of the place kind (:data:`TYPICAL_POPULATION`), times the share of
  each band's ages (:data:`BAND_SHARE`);
- **schools** from ``amenity=school|kindergarten``: sites of one amenity within
  :data:`MERGE_M` of each other are one school (one site kept, the others named in
  ``merged_osm_ids``); sites whose name or tags say they teach no K-9 pupils
  (university, college, music, driving, language, vocational...) are left out; the
  level comes from ``isced:level`` or the name, else ``primary``; capacity is a
  typical value or, where more, half again the school's share of the estimated
  pupils of its bands; running cost is a typical value.

Every estimated field is named in the row's ``estimated`` column and explained in
``README.txt``: OSM has no enrolment, capacity or cost; the bureau replaces them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.osm_places import SCHOOL_SITES, SETTLEMENTS, osm_features
from geodata.roads import drive_graph, read_osm_graph
from geodata.snapping import Snapper
from geodata.speeds import SpeedModel

#: The bands each level teaches.
LEVEL_BANDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "kindergarten": ("k",),
        "primary": ("p13", "p46"),
        "junior": ("j79",),
        "nine_year": ("p13", "p46", "j79"),
    }
)
#: Typical inhabitants of a settlement without a ``population`` tag.
TYPICAL_POPULATION: Mapping[str, int] = MappingProxyType(
    {"town": 3000, "village": 600, "hamlet": 120, "isolated_dwelling": 10}
)
#: Share of the population in each band's ages (3 years each, kindergarten 3-5).
BAND_SHARE: Mapping[str, float] = MappingProxyType(
    {"k": 0.030, "p13": 0.032, "p46": 0.032, "j79": 0.033}
)
#: Sites of one amenity nearer than this are one school (metres).
MERGE_M = 150.0
#: Names that mark a site teaching no K-9 pupils.
NOT_K9 = re.compile(
    r"universit|college|hochschule|fachhochschule|music|musik|driving|fahrschule|language|"
    r"sprach|vocational|berufs|adult|erwachsen|dance|tanz|art school|kunstschule|"
    r"大学|学院|驾校|音乐|职业|技校|培训",
    re.IGNORECASE,
)
_JUNIOR = re.compile(r"secondary|middle|high|realschule|gymnasium|oberschule|初中|中学", re.I)
_NINE = re.compile(r"九年|一贯制", re.I)
#: Typical capacity (pupils) and running cost (yuan a year) of an estimated school.
TYPICAL_SCHOOL: Mapping[str, tuple[int, float]] = MappingProxyType(
    {
        "kindergarten": (120, 600_000.0),
        "primary": (360, 1_500_000.0),
        "junior": (600, 2_500_000.0),
        "nine_year": (800, 3_000_000.0),
    }
)


def village_table(settlements: gpd.GeoDataFrame) -> pd.DataFrame:
    """Villages with estimated pupils by band (see the module docstring)."""
    rows = []
    for i, s in enumerate(settlements.itertuples()):
        tagged = _population(getattr(s, "population", ""))
        population = tagged if tagged is not None else TYPICAL_POPULATION[s.place]
        source = "population tag" if tagged is not None else f"typical {s.place}"
        rows.append(
            {
                "id": f"V{i + 1:03d}",
                "name": s.name or f"{s.place} {s.osm_id}",
                "lon": round(s.geometry.x, 7),
                "lat": round(s.geometry.y, 7),
                **{b: int(round(population * share)) for b, share in BAND_SHARE.items()},
                "estimated": f"k p13 p46 j79 (from {source}: {population} people)",
                "osm_id": f"{s.osm_type}/{s.osm_id}",
            }
        )
    return pd.DataFrame(rows)


def school_table(sites: gpd.GeoDataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Schools and kindergartens, merged by site, non-K-9 left out; and what was left out."""
    left_out, kept = [], []
    for s in sites.itertuples():
        text = " ".join(str(getattr(s, k, "") or "") for k in ("name",))
        if NOT_K9.search(text):
            left_out.append(f"{s.osm_type}/{s.osm_id} '{s.name}': not a K-9 school")
        else:
            kept.append(s)
    utm = sites.estimate_utm_crs() if len(sites) else "EPSG:3857"
    xy = gpd.GeoSeries([s.geometry for s in kept], crs="EPSG:4326").to_crs(utm)
    taken = np.zeros(len(kept), dtype=bool)
    rows = []
    for i, s in enumerate(kept):
        if taken[i]:
            continue
        near = [
            j
            for j in range(i + 1, len(kept))
            if not taken[j]
            and kept[j].amenity == s.amenity
            and xy.iloc[i].distance(xy.iloc[j]) <= MERGE_M
        ]
        taken[near] = True
        level, guessed = _level(s)
        capacity, cost = TYPICAL_SCHOOL[level]
        estimated = ["capacity", "running_cost"] + (["level"] if guessed else [])
        rows.append(
            {
                "id": f"{'K' if level == 'kindergarten' else 'S'}{len(rows) + 1:03d}",
                "name": s.name or f"{s.amenity} {s.osm_id}",
                "lon": round(s.geometry.x, 7),
                "lat": round(s.geometry.y, 7),
                "level": level,
                "capacity": capacity,
                "may_close": "true",
                "must_keep": "false",
                "running_cost": cost,
                "estimated": " ".join(estimated),
                "osm_id": f"{s.osm_type}/{s.osm_id}",
                "merged_osm_ids": " ".join(f"{kept[j].osm_type}/{kept[j].osm_id}" for j in near),
            }
        )
    return pd.DataFrame(rows), left_out


def _level(site) -> tuple[str, bool]:
    """The level of a site and whether it is a guess."""
    if site.amenity == "kindergarten":
        return "kindergarten", False
    isced = str(getattr(site, "isced_level", "") or "")
    if isced:
        levels = set(re.findall(r"\d", isced))
        if {"1", "2"} <= levels:
            return "nine_year", False
        if "2" in levels:
            return "junior", False
        if "1" in levels:
            return "primary", False
    name = str(site.name or "")
    if _NINE.search(name):
        return "nine_year", False
    if _JUNIOR.search(name):
        return "junior", False
    return "primary", True


def _population(value: object) -> int | None:
    text = str(value or "").replace(",", "").replace(" ", "")
    return int(float(text)) if re.fullmatch(r"\d+(\.\d+)?", text) else None


def _on_the_roads(
    places: gpd.GeoDataFrame, roads: Path, max_snap_m: float, left_out: list[str]
) -> gpd.GeoDataFrame:
    """The places within ``max_snap_m`` of the connected bus network; the others named."""
    if places.empty:
        return places
    drive = drive_graph(read_osm_graph(roads), SpeedModel(), source=str(roads))
    _, dist = Snapper(drive, places.estimate_utm_crs())(places)
    for row, d in zip(places.itertuples(), dist):
        if d > max_snap_m:
            left_out.append(
                f"{row.osm_type}/{row.osm_id} '{row.name}': no bus road within "
                f"{max_snap_m:.0f} m ({d:.0f} m)"
            )
    return places[dist <= max_snap_m].reset_index(drop=True)


def write_place_tables(
    roads: str | Path, out_dir: str | Path, *, max_snap_m: float = 1000.0
) -> list[Path]:
    """Write villages.csv, schools.csv, places.xlsx and README.txt from an OSM file.

    Places farther than ``max_snap_m`` from the connected bus network (default speed
    model) are left out and named in the README, so that the tables plan as written.
    """
    import openpyxl

    roads = Path(roads)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    settlements = osm_features(roads, SETTLEMENTS, columns=("population",))
    sites = osm_features(roads, SCHOOL_SITES, columns=("isced:level",))
    sites = sites.rename(columns={"isced:level": "isced_level"})
    both = pd.concat([settlements.assign(kind="v"), sites.assign(kind="s")], ignore_index=True)
    far: list[str] = []
    both = _on_the_roads(gpd.GeoDataFrame(both, crs="EPSG:4326"), roads, max_snap_m, far)
    villages = village_table(both[both["kind"] == "v"].reset_index(drop=True))
    schools, left_out = school_table(both[both["kind"] == "s"].reset_index(drop=True))
    left_out += far
    taught = {band for level in schools.get("level", []) for band in LEVEL_BANDS[level]}
    untaught = [band for band in BAND_SHARE if band not in taught]
    for band in untaught:  # no school of the file teaches it: no pupils to place there
        villages[band] = 0
    for i, level in enumerate(schools.get("level", [])):
        # Room for the estimated pupils: half again their share of the level's bands.
        bands = LEVEL_BANDS[level]
        teaching = sum(any(b in LEVEL_BANDS[lv] for b in bands) for lv in schools["level"])
        share = sum(int(villages[b].sum()) for b in bands) / max(teaching, 1)
        # A village's bands of one level go to one school together (families stay together).
        largest = int(villages[list(bands)].sum(axis=1).max()) if len(villages) else 0
        need = max(math.ceil(1.5 * share), math.ceil(1.2 * largest))
        schools.loc[i, "capacity"] = max(int(schools.loc[i, "capacity"]), need)
    written = [out / "villages.csv", out / "schools.csv", out / "places.xlsx", out / "README.txt"]
    villages.to_csv(written[0], index=False, lineterminator="\n")
    schools.to_csv(written[1], index=False, lineterminator="\n")
    book = openpyxl.Workbook()
    for sheet, frame in zip(book.worksheets + [book.create_sheet()], (villages, schools)):
        sheet.title = "villages" if frame is villages else "schools"
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append(list(row))
    book.properties.created = pd.Timestamp("2000-01-01").to_pydatetime()  # same bytes
    book.save(written[2])
    written[3].write_text(_readme(roads, villages, schools, left_out, untaught), encoding="utf-8")
    return written


def _readme(
    roads, villages: pd.DataFrame, schools: pd.DataFrame, left_out: list[str], untaught: list[str]
) -> str:
    merged = int((schools["merged_osm_ids"] != "").sum()) if len(schools) else 0
    lines = [
        f"Place tables made from {Path(roads).name} (OpenStreetMap, ODbL, (c) OSM contributors).",
        "",
        f"villages.csv: {len(villages)} settlements. Pupils by band are ESTIMATES: the",
        "population tag (or a typical population of the place kind) times the share of",
        "each band's ages: " + ", ".join(f"{b} {s:.1%}" for b, s in BAND_SHARE.items()) + ".",
        f"schools.csv: {len(schools)} schools and kindergartens; {merged} of them merge",
        f"several OSM sites within {MERGE_M:.0f} m (merged_osm_ids). Capacity and running",
        "cost are ESTIMATES (typical values by level); a level guessed from no tag is",
        "named in 'estimated'. may_close/must_keep are defaults for the bureau to set.",
        "",
        f"Left out ({len(left_out)}): sites that teach no K-9 pupils, places off the roads.",
        *(f"  {line}" for line in left_out),
        *(
            [
                f"No site in the file teaches {', '.join(untaught)}: those pupils are 0 until",
                "the bureau adds the schools that teach them.",
            ]
            if untaught
            else []
        ),
        "",
        "Replace every estimated field with the bureau's own numbers before planning.",
    ]
    return "\n".join(lines) + "\n"
