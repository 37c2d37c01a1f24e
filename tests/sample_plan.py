"""A small hand-made plan for the output tests: every number can be checked by hand."""

from __future__ import annotations

from dataclasses import replace

from optimizer.kpis import compute_kpis
from optimizer.plan import (
    Assignment,
    Plan,
    Route,
    RouteStop,
    SchoolResult,
    SolverRun,
    VetoCheck,
)


def sample_plan() -> Plan:
    """Two schools (one closed), three villages, one bus route with two stops."""
    schools = (
        SchoolResult(
            id="S01",
            name="Hexi Central School",
            level="nine_year",
            lon=110.000,
            lat=30.000,
            status="kept",
            may_close=False,
            must_keep=True,
            capacity=400,
            running_cost=900_000,
            enrolment_before={"p13": 30, "p46": 25, "j79": 40},
            enrolment_after={"p13": 50, "p46": 35, "j79": 40},
            class_norm=45,
            classes_after=4,
            largest_class_after=47,
            canteen_seats=80,
            lunch_pupils_after=62,
            boarding_beds=20,
            boarders_after=12,
            investment={"canteen_seats": 20},
            capital_cost=80_000,
        ),
        SchoolResult(
            id="S02",
            name="Shangping <Village> School",
            level="primary",
            lon=110.052,
            lat=30.041,
            status="closed",
            may_close=True,
            must_keep=False,
            capacity=120,
            running_cost=350_000,
            enrolment_before={"p13": 20, "p46": 10},
            enrolment_after={"p13": 0, "p46": 0},
        ),
    )

    def assign(
        village: str,
        name: str,
        lon: float,
        lat: float,
        band: str,
        pupils: int,
        mode: str,
        time_s: int,
        dist: int,
        before: str,
        before_s: int,
        before_m: int,
    ) -> Assignment:
        return Assignment(
            village=village,
            village_name=name,
            lon=lon,
            lat=lat,
            band=band,
            pupils=pupils,
            school="S01",
            mode=mode,
            time_s=time_s,
            distance_m=dist,
            limit_s=2700 if band == "p13" else 3600,
            moved=before != "S01",
            before_school=before,
            before_time_s=before_s,
            before_distance_m=before_m,
            before_mode="walk" if before_m <= 1500 else "guardian",  # today: no bus runs
        )

    assignments = (
        assign("V01", "Hexi", 110.002, 30.001, "p13", 30, "walk", 900, 1500, "S01", 900, 1500),
        assign("V01", "Hexi", 110.002, 30.001, "p46", 25, "walk", 900, 1500, "S01", 900, 1500),
        assign("V02", "Shangping", 110.050, 30.040, "p13", 12, "bus", 1800, 8000, "S02", 300, 250),
        assign("V02", "Shangping", 110.050, 30.040, "p46", 10, "bus", 1800, 8000, "S02", 300, 250),
        assign("V03", "Lingkou", 110.040, 30.020, "p13", 8, "bus", 1200, 5000, "S02", 1500, 3000),
    )
    stops = (
        RouteStop(
            village="V02",
            village_name="Shangping",
            lon=110.050,
            lat=30.040,
            arrive_s=25_800,
            depart_s=25_860,
            boarding={"p13": 12, "p46": 10},
            load_after=22,
            ride_s=1800,
            limit_s=2700,
        ),
        RouteStop(
            village="V03",
            village_name="Lingkou",
            lon=110.040,
            lat=30.020,
            arrive_s=26_400,
            depart_s=26_460,
            boarding={"p13": 8},
            load_after=30,
            ride_s=1200,
            limit_s=2700,
        ),
    )
    route = Route(
        id="R001",
        school="S01",
        start="S01 yard",
        seats=35,
        depart_s=24_600,
        stops=stops,
        arrive_school_s=27_600,
        distance_m=16_000,
        drive_s=2400,
        longest_ride_s=1800,
        geometry=(
            (110.050, 30.040),
            (110.046, 30.031),
            (110.040, 30.020),
            (110.012, 30.006),
            (110.000, 30.000),
        ),
    )
    solver = (
        SolverRun(
            stage="closures",
            engine="cp-sat",
            status="OPTIMAL",
            objective=1_250_000.0,
            bound=1_250_000.0,
            gap=0.0,
            settings={"seed": 1},
        ),
        SolverRun(
            stage="buses S01",
            engine="pyvrp",
            status="FEASIBLE",
            objective=2400.0,
            bound=2300.0,
            gap=0.0417,
            settings={"seed": 1},
        ),
    )
    return Plan(
        scenario="Hexi pilot <A&B>",
        bell_s=28_800,
        schools=schools,
        assignments=assignments,
        routes=(route,),
        solver=solver,
        kpis=compute_kpis(schools, assignments, (route,)),
        vetoes=(
            VetoCheck("S02", "journey", "pass", "30 pupils move; longest 30.0 min"),
            VetoCheck("S02", "dining and boarding", "fail", "receiving S01 <needs seats>"),
            VetoCheck("S02", "parents and representatives", "manual", "the hearing decides"),
        ),
    )


def alternative_plan() -> Plan:
    """The sample with S02 kept: Shangping walks to it again, only Lingkou rides the bus."""
    base = sample_plan()
    s01, s02 = base.schools
    schools = (
        replace(s01, enrolment_after={"p13": 38, "p46": 25, "j79": 40}),
        replace(s02, status="kept", enrolment_after={"p13": 12, "p46": 10}),
    )
    assignments = tuple(
        replace(a, school="S02", mode="walk", time_s=300, distance_m=250, moved=False)
        if a.village == "V02"
        else a
        for a in base.assignments
    )
    route = base.routes[0]
    stop = replace(route.stops[1], load_after=8)
    routes = (replace(route, stops=(stop,), geometry=route.geometry[2:]),)
    return replace(
        base,
        scenario="Hexi pilot, S02 kept",
        schools=schools,
        assignments=assignments,
        routes=routes,
        kpis=compute_kpis(schools, assignments, routes),
        vetoes=(),
    )
