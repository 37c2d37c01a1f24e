"""Shared fixtures: a tiny hand-made region whose answers can be worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Nodes 1..11 on a straight road along lat 36.0, 0.01 degrees of longitude apart.
TINY_LONS = [118.00 + 0.01 * i for i in range(11)]
TINY_LAT = 36.0


def tiny_osm() -> str:
    """A straight two-way road: a secondary road posted at 80 km/h (the bus cap of 60
    applies) except a 12 % incline between nodes 6 and 7 (the 20 km/h hazard rule)."""
    nodes = "\n".join(
        f'  <node id="{i + 1}" version="1" lat="{TINY_LAT:.7f}" lon="{lon:.7f}"/>'
        for i, lon in enumerate(TINY_LONS)
    )

    def way(way_id: int, refs: list[int], tags: dict[str, str]) -> str:
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        tg = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        return f'  <way id="{way_id}" version="1">{nds}{tg}</way>'

    ways = "\n".join(
        [
            way(101, [1, 2, 3, 4, 5, 6], {"highway": "secondary", "maxspeed": "80"}),
            way(102, [6, 7], {"highway": "secondary", "maxspeed": "80", "incline": "12%"}),
            way(103, [7, 8, 9, 10, 11], {"highway": "secondary", "maxspeed": "80"}),
            way(104, [1, 1], {"building": "yes"}),
        ]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
        f"{nodes}\n{ways}\n</osm>\n"
    )


VILLAGES_CSV = """id,name,lon,lat,k,p13,p46,j79,current_k,current_primary,current_junior
A,Avillage,118.0000000,36.0000000,0,20,15,0,,P1,
B,Bvillage,118.0200000,36.0000000,0,10,0,0,,P1,
C,Cvillage,118.1000000,36.0000000,0,30,30,0,,P2,
"""
SCHOOLS_CSV = """id,name,lon,lat,level,capacity,may_close,must_keep,running_cost
P1,Small school,118.0100000,36.0000000,primary,100,true,false,900000
P2,Town school,118.0800000,36.0000000,primary,400,false,true,2000000
"""
SCENARIO_YAML = """name: tiny
region:
  roads: roads.osm
  villages: villages.csv
  schools: schools.csv
policy:
  bell: "08:00"
solver:
  seed: 7
"""


def write_tiny_region(
    folder: Path, scenario: str = SCENARIO_YAML, name: str = "scenario.yaml"
) -> Path:
    """Write the tiny region and a scenario into ``folder``; return the folder."""
    (folder / "roads.osm").write_text(tiny_osm(), encoding="utf-8")
    (folder / "villages.csv").write_text(VILLAGES_CSV, encoding="utf-8")
    (folder / "schools.csv").write_text(SCHOOLS_CSV, encoding="utf-8")
    (folder / name).write_text(scenario, encoding="utf-8")
    return folder


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A folder with the tiny region and its scenario."""
    return write_tiny_region(tmp_path)
