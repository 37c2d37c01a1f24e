"""A synthetic rural county for the demo: roads (OSM XML), villages, schools and bus yards.

"Synthetic County" (示例县 (synthetic)) is not a real place. Its towns, villages,
schools, pupil numbers and roads are drawn from a seeded random generator and put
at fictitious coordinates near lon 118.90, lat 36.30; no real data is used. The same
seed always gives byte-identical files::

    python -m geodata.synthetic --seed 2027 --out scenarios/demo_county

The county is about 45 km x 40 km: ten towns (one of them the county seat), about
250 villages clustered around them, two clusters of hill villages and a few remote
villages at the edges, reached by narrow, steep or gravel roads (the 20 km/h hazard
rule of :mod:`geodata.speeds`). Roads form one strongly connected network: a
motorway section (two one-way carriageways joined to the network at two
interchanges), county roads between the towns, township roads and village lanes.

Today's schools: a village attends its own or a nearby village school when one is
a few minutes away, otherwise the nearest town school; junior pupils and
kindergarten children go to the nearest school of their level. Capacities leave
spare room in the town schools, so small schools can merge into them.

The generator takes the one-way limits it lays today's schools out against as a
parameter (:class:`ReachLimits`); ``python -m geodata.synthetic`` passes the scenario
schema's defaults (:data:`POLICY_DEFAULTS`, checked against ``optimizer``'s
``Policy()`` by the tests), since ``geodata`` never imports ``optimizer``.

Modules, in the order they build a county:

- :mod:`~geodata.synthetic.records`: the records and the numbers that shape them;
- :mod:`~geodata.synthetic.layout`: coordinates, names, towns, motorway, village layout;
- :mod:`~geodata.synthetic.roads`: which places get a road, of what class, the OSM ways;
- :mod:`~geodata.synthetic.places`: villages and their pupils, where schools stand;
- :mod:`~geodata.synthetic.county`: today's schools sized and assigned, the whole county;
- :mod:`~geodata.synthetic.files`: the four files, written whole;
- :mod:`~geodata.synthetic.cli`: the summary and the command line.
"""

from geodata.synthetic.cli import main, reach_problems, summary
from geodata.synthetic.county import build_county
from geodata.synthetic.files import generate_county, write_county
from geodata.synthetic.records import (
    DEMO_SIZE,
    DEPOT_COLUMNS,
    POLICY_DEFAULTS,
    SCHOOL_COLUMNS,
    VILLAGE_COLUMNS,
    County,
    CountyFiles,
    CountySize,
    ReachLimits,
)

__all__ = [
    "DEMO_SIZE",
    "DEPOT_COLUMNS",
    "POLICY_DEFAULTS",
    "SCHOOL_COLUMNS",
    "VILLAGE_COLUMNS",
    "County",
    "CountyFiles",
    "CountySize",
    "ReachLimits",
    "build_county",
    "generate_county",
    "main",
    "reach_problems",
    "summary",
    "write_county",
]
