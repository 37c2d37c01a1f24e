"""The ``depots`` and ``townships`` tables of a plan (see :mod:`optimizer.outputs.tables`).

``depots``: one row per bus yard, with its town and the buses and runs based there.
``townships``: one row per town of the plan's township summary (:class:`~optimizer.towns.
Township`): schools before and after in all and by level, pupils moved, newly bused and
boarding, buses and runs, the longest daily journey per band (minutes), the money
(yuan) and, where the maps have its outline, the town's area.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from geodata.kinds import BANDS, LEVELS
from optimizer.outputs.figures import minutes
from optimizer.outputs.townships import TownArea
from optimizer.plan import Plan
from optimizer.towns import Township

DEPOT_COLUMNS = ("depot", "name", "town", "lon", "lat", "buses", "runs")


def township_columns() -> tuple[str, ...]:
    """Columns of the ``townships`` table (and the GeoPackage's ``towns`` layer)."""
    return (
        "town",
        "schools_before",
        "schools_after",
        "schools_closed",
        *(f"schools_before_{lv}" for lv in LEVELS),
        *(f"schools_after_{lv}" for lv in LEVELS),
        "villages",
        "pupils",
        "pupils_moved",
        "pupils_newly_bused",
        "weekly_boarders",
        "buses",
        "runs",
        *(f"longest_journey_min_{b}" for b in BANDS),
        "running_cost_saved",
        "net_annual_saving",
        "capital",
        "area_km2",
    )


def depot_rows(plan: Plan) -> list[dict[str, Any]]:
    """One row per bus yard of the plan."""
    return [
        {
            "depot": d.id,
            "name": d.name,
            "town": d.town,
            "lon": d.lon,
            "lat": d.lat,
            "buses": d.buses,
            "runs": d.runs,
        }
        for d in plan.depots
    ]


def township_rows(plan: Plan, areas: Sequence[TownArea] = ()) -> list[dict[str, Any]]:
    """One row per town of ``plan.townships``; a level or band the town lacks is empty."""
    area = {a.town: a.area_km2 for a in areas}
    return [_township_row(t, area.get(t.town)) for t in plan.townships]


def _township_row(t: Township, area_km2: float | None) -> dict[str, Any]:
    return {
        "town": t.town,
        "schools_before": sum(t.schools_before.values()),
        "schools_after": sum(t.schools_after.values()),
        "schools_closed": t.schools_closed,
        **{f"schools_before_{lv}": t.schools_before.get(lv) for lv in LEVELS},
        **{f"schools_after_{lv}": t.schools_after.get(lv) for lv in LEVELS},
        "villages": t.villages,
        "pupils": t.pupils,
        "pupils_moved": t.pupils_moved,
        "pupils_newly_bused": t.pupils_newly_bused,
        "weekly_boarders": t.weekly_boarders,
        "buses": t.buses,
        "runs": t.runs,
        **{
            f"longest_journey_min_{b}": minutes(t.longest_journey_s[b])
            if b in t.longest_journey_s
            else None
            for b in BANDS
        },
        "running_cost_saved": t.running_cost_saved,
        "net_annual_saving": t.net_annual_saving,
        "capital": t.capital,
        "area_km2": area_km2,
    }
