"""The headline numbers of a plan (KPIs), all derived from the plan's own records.

Planning puts them in ``Plan.kpis``; the outputs recompute them from a plan read back.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from geodata.kinds import Band
from optimizer.journey_changes import longer_journeys
from optimizer.plan import Assignment, BusDuty, Route, SchoolResult
from optimizer.values import Mode, Status


def compute_kpis(
    schools: tuple[SchoolResult, ...],
    assignments: tuple[Assignment, ...],
    routes: tuple[Route, ...],
    buses: tuple[BusDuty, ...] = (),
) -> dict[str, Any]:
    """The headline numbers, all derived from the plan's own records.

    ``buses`` is the fleet: the bus duties, each doing one or more runs (``runs``, the
    routes); a plan from before duties were planned counts one bus per run.
    """
    closed = [s for s in schools if s.status is Status.CLOSED]
    longest = max((r.longest_ride_s for r in routes), default=0)
    p13_over = sum(a.pupils for a in assignments if a.band is Band.P13 and a.over_limit)
    return {
        "schools": len(schools),
        "schools_closed": len(closed),
        "closed_ids": sorted(s.id for s in closed),
        "pupils": sum(a.pupils for a in assignments),
        "pupils_moved": sum(a.pupils for a in assignments if a.moved),
        "pupils_newly_bused": sum(a.pupils for a in assignments if a.mode is Mode.BUS),
        "buses": len(buses) if buses else len(routes),
        "runs": len(routes),
        "buses_by_type": dict(sorted(Counter(b.bus_type for b in buses or routes).items())),
        "longest_ride_s": longest,
        # A boarder's trip is weekly: never a daily journey (reported apart).
        "longest_journey_s": max(
            (a.time_s for a in assignments if a.mode is not Mode.BOARD), default=0
        ),
        "longest_weekly_trip_s": max(
            (a.time_s for a in assignments if a.mode is Mode.BOARD), default=0
        ),
        "weekly_boarders": sum(a.pupils for a in assignments if a.mode is Mode.BOARD),
        "planner_decisions": sum(1 for s in schools if s.decision is not None),
        "p13_over_limit": p13_over,
        "bus_km": round(sum(r.distance_m for r in routes) / 1000.0, 1),
        "running_cost_saved": sum(s.running_cost for s in closed),
        # Daily journeys longer than today's, like with like (optimizer.journey_changes).
        "longer_journeys": longer_journeys(assignments),
    }
