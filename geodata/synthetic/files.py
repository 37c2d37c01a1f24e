"""Writing a county: roads as OSM XML, villages, schools and bus yards as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np

from geodata.staging import staged_files
from geodata.synthetic.county import build_county
from geodata.synthetic.landscape import Landscape, build_landscape
from geodata.synthetic.layout import to_lonlat
from geodata.synthetic.records import (
    DEPOT_COLUMNS,
    GENERATOR,
    SCHOOL_COLUMNS,
    VILLAGE_COLUMNS,
    County,
    CountyFiles,
    Network,
    ReachLimits,
)

# ----------------------------------------------------------------------------- writing


def _osm_text(network: Network, landscape: Landscape | None = None) -> str:
    """The network as OSM XML 0.6, then the landscape's nodes and ways (ids after the
    network's)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<osm version="0.6" generator="{GENERATOR}">',
        f'  <bounds minlat="{network.lat.min():.7f}" minlon="{network.lon.min():.7f}" '
        f'maxlat="{network.lat.max():.7f}" maxlon="{network.lon.max():.7f}"/>',
    ]
    for i, (lon, lat) in enumerate(zip(network.lon.tolist(), network.lat.tolist(), strict=True)):
        lines.append(f'  <node id="{i + 1}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for way_id, (ids, tags) in enumerate(network.ways, start=1):
        lines.append(f'  <way id="{way_id}" version="1">')
        lines += [f'    <nd ref="{ref}"/>' for ref in ids]
        lines += [f"    <tag k={quoteattr(k)} v={quoteattr(tags[k])}/>" for k in sorted(tags)]
        lines.append("  </way>")
    if landscape is not None:
        lines += _landscape_lines(landscape, len(network.lon), len(network.ways))
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


def _tags(tags: dict[str, str], indent: str) -> list[str]:
    return [f"{indent}<tag k={quoteattr(k)} v={quoteattr(tags[k])}/>" for k in sorted(tags)]


def _landscape_lines(landscape: Landscape, nodes: int, ways: int) -> list[str]:
    """The landscape's place nodes, then each feature's nodes and way."""
    lines: list[str] = []
    node = nodes
    for place in landscape.places:
        node += 1
        lines.append(
            f'  <node id="{node}" version="1" lat="{place.lat:.7f}" lon="{place.lon:.7f}">'
        )
        lines += _tags(place.tags, "    ")
        lines.append("  </node>")
    for way, feature in enumerate(landscape.features, start=ways + 1):
        lon, lat = to_lonlat(feature.points)
        closed = bool(np.allclose(feature.points[0], feature.points[-1]))
        count = len(lon) - 1 if closed else len(lon)
        refs = list(range(node + 1, node + count + 1))
        for ref, x, y in zip(refs, lon[:count].tolist(), lat[:count].tolist(), strict=True):
            lines.append(f'  <node id="{ref}" version="1" lat="{y:.7f}" lon="{x:.7f}"/>')
        node += count
        lines.append(f'  <way id="{way}" version="1">')
        lines += [f'    <nd ref="{ref}"/>' for ref in refs + refs[:1] * closed]
        lines += _tags(feature.tags, "    ")
        lines.append("  </way>")
    return lines


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _village_rows(county: County) -> Iterator[list[str]]:
    for v in county.villages:
        yield [
            v.id,
            v.name,
            v.town,
            f"{v.lon:.7f}",
            f"{v.lat:.7f}",
            *map(str, v.pupils),
            f"{v.annual_change:.3f}",
            v.current["k"],
            v.current["primary"],
            v.current["junior"],
        ]


def _school_rows(county: County) -> Iterator[list[str]]:
    for s in county.schools:
        yield [
            s.id,
            s.name,
            s.town,
            f"{s.lon:.7f}",
            f"{s.lat:.7f}",
            s.level,
            s.ownership,
            str(s.classrooms),
            str(s.capacity),
            str(s.canteen_seats),
            str(s.boarding_beds),
            _flag(s.may_close),
            _flag(s.must_keep),
            str(s.running_cost),
        ]


def _depot_rows(county: County) -> Iterator[list[str]]:
    for d in county.depots:
        yield [d.id, d.name, d.town, f"{d.lon:.7f}", f"{d.lat:.7f}"]


def _write_csv(path: Path, header: Sequence[str], rows: Iterator[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_county(county: County, out_dir: Path) -> CountyFiles:
    """Write a generated county's four files into ``out_dir`` (created if missing)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = CountyFiles(
        out_dir / "roads.osm",
        out_dir / "villages.csv",
        out_dir / "schools.csv",
        out_dir / "depots.csv",
    )
    final = [files.roads, files.villages, files.schools, files.depots]
    with staged_files(final) as temps:
        text = _osm_text(county.network, build_landscape(county))
        temps[0].write_text(text, encoding="utf-8", newline="\n")
        _write_csv(temps[1], VILLAGE_COLUMNS, _village_rows(county))
        _write_csv(temps[2], SCHOOL_COLUMNS, _school_rows(county))
        _write_csv(temps[3], DEPOT_COLUMNS, _depot_rows(county))
    return files


def generate_county(out_dir: Path, *, seed: int = 2027, limits: ReachLimits) -> CountyFiles:
    """Generate the synthetic county and write its files.

    Parameters
    ----------
    out_dir
        Folder for ``roads.osm``, ``villages.csv``, ``schools.csv`` and ``depots.csv``.
    seed
        Random seed; the same seed gives byte-identical files.
    limits
        The policy's one-way limits today's schools are laid out against.

    Returns
    -------
    CountyFiles
        The paths written.
    """
    return write_county(build_county(seed, limits=limits), out_dir)
