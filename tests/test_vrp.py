"""The shared VRP core: both engines, schedules from the matrices, prizes, a Solomon case."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from optimizer.solvers.vrp import (
    REQUIRED,
    VehicleType,
    VrpModel,
    VrpResult,
    VrpSettings,
    schedule_route,
    solve_vrp,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks"
ENGINES = [
    VrpSettings(engine="pyvrp", seed=3, max_iterations=300, time_limit_s=30),
    VrpSettings(engine="ortools", solution_limit=200, time_limit_s=30),
]


def line_model(extra: list[tuple[int, int]] = (), objective: str = "distance") -> VrpModel:
    """Depot at 0 on a road; clients at -3, -1, 2, 4 (x 10 = distance = minutes).

    One vehicle sweeping left then right drives 140; two vehicles drive 60 + 80 = 140
    too, so a fixed cost of 1 per vehicle makes the single route optimal (cost 141).
    Windows closing at 15 (client at -1), 50 (at -3) and 100 (at 2) leave one optimal
    order: -1, -3, 2, 4, with arrivals 10, 35, 90 and 115 (5 minutes of service). ``extra``
    adds optional clients as ``(position, prize)``.
    """
    positions = [0, -3, -1, 2, 4, *(p for p, _ in extra)]
    x = 10 * np.array(positions)
    matrix = np.abs(x[:, None] - x[None, :])
    m = len(positions) - 1
    late = np.full(m, 10_000)
    late[:3] = (50, 15, 100)
    return VrpModel(
        duration=matrix,
        distance=matrix,
        depots=[0],
        clients=np.arange(1, m + 1),
        demand=np.ones(m, dtype=int),
        service=np.full(m, 5),
        tw_early=np.zeros(m, dtype=int),
        tw_late=late,
        prize=[REQUIRED] * 4 + [prize for _, prize in extra],
        vehicle_types=(VehicleType(count=2, capacity=10, fixed_cost=1),),
        objective=objective,
    )


def expected_schedule(model: VrpModel, route) -> None:
    """Recompute a route's schedule from the matrices and check it and its limits."""
    vt = model.vehicle_types[route.vehicle_type]
    here = int(model.depots[vt.depot])
    t = route.depart_s
    assert t >= vt.tw_early
    distance = 0
    for k, c in enumerate(route.visits):
        node = int(model.clients[c])
        t += int(model.duration[here, node])
        distance += int(model.distance[here, node])
        assert route.arrival_s[k] == t
        t = max(t, int(model.tw_early[c]))
        assert route.start_s[k] == t
        assert t <= model.tw_late[c], f"client {c} served at {t}, window ends {model.tw_late[c]}"
        t += int(model.service[c])
        here = node
    depot = int(model.depots[vt.depot])
    t += int(model.duration[here, depot])
    distance += int(model.distance[here, depot])
    assert route.return_s == t <= vt.tw_late
    assert route.distance == distance
    assert route.duration == route.return_s - route.depart_s
    assert route.load == int(model.demand[list(route.visits)].sum()) <= vt.capacity
    if vt.max_duration is not None:
        assert route.duration <= vt.max_duration


def check_result(model: VrpModel, result: VrpResult) -> None:
    assert result.status == "FEASIBLE", result.violations
    assert result.reproducible
    for route in result.routes:
        expected_schedule(model, route)
    seen = sorted(c for r in result.routes for c in r.visits)
    assert len(seen) == len(set(seen))
    assert set(np.flatnonzero(model.required)) <= set(seen)


@pytest.mark.parametrize("settings", ENGINES, ids=lambda s: s.engine)
def test_known_optimum_same_for_both_engines(settings: VrpSettings) -> None:
    model = line_model()
    result = solve_vrp(model, settings)
    check_result(model, result)
    assert result.cost == result.engine_cost == 141
    assert [r.visits for r in result.routes] == [(1, 0, 2, 3)]
    (route,) = result.routes
    assert route.arrival_s == (10, 35, 90, 115)
    assert (route.depart_s, route.return_s, route.distance) == (0, 160, 140)


def test_engines_agree_on_routes() -> None:
    model = line_model()
    ours, theirs = (solve_vrp(model, s) for s in ENGINES)
    assert ours.routes == theirs.routes
    assert ours.cost == theirs.cost


def random_model(seed: int = 7, m: int = 14) -> VrpModel:
    """Clients on a 100 x 100 square, tight windows, capacity 4 of 14 demand units."""
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 100, size=(m + 1, 2))
    xy[0] = (50, 50)
    matrix = np.floor(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)))
    early = rng.integers(0, 300, size=m)
    return VrpModel(
        duration=matrix.astype(int),
        distance=matrix.astype(int),
        depots=[0],
        clients=np.arange(1, m + 1),
        demand=np.ones(m, dtype=int),
        service=np.full(m, 10),
        tw_early=early,
        tw_late=early + 60,
        vehicle_types=(VehicleType(count=m, capacity=4, tw_late=600, max_duration=300),),
    )


@pytest.mark.parametrize("settings", ENGINES, ids=lambda s: s.engine)
def test_capacity_and_time_windows_respected(settings: VrpSettings) -> None:
    model = random_model()
    result = solve_vrp(model, settings)
    check_result(model, result)
    assert len(result.routes) >= 4  # 14 units, 4 per vehicle
    assert result.cost == sum(r.distance for r in result.routes)
    assert result.cost == result.engine_cost


def test_engines_close_on_random_instance() -> None:
    model = random_model()
    costs = [solve_vrp(model, s).cost for s in ENGINES]
    assert abs(costs[0] - costs[1]) <= 0.05 * min(costs)


def test_departure_delayed_to_avoid_waiting() -> None:
    # Client 3 (at 4) then client 2 (at 2, opening at 500): leaving at 0 would wait 435.
    model = replace(line_model(), tw_early=np.array([0, 0, 500, 0]), tw_late=np.full(4, 10_000))
    route = schedule_route(model, 0, (3, 2))
    assert route.arrival_s == route.start_s == (475, 500)
    assert (route.depart_s, route.return_s, route.duration) == (435, 525, 90)


@pytest.mark.parametrize("settings", ENGINES, ids=lambda s: s.engine)
@pytest.mark.parametrize(("prize", "visited"), [(1, False), (1_000, True)])
def test_optional_client_by_prize(settings: VrpSettings, prize: int, visited: bool) -> None:
    # An optional client at 10: the detour from 4 costs 2 x 60 = 120.
    model = line_model(extra=[(10, prize)])
    result = solve_vrp(model, settings)
    check_result(model, result)
    served = {c for r in result.routes for c in r.visits}
    assert (4 in served) is visited
    assert result.unvisited == (() if visited else (4,))
    assert result.cost == result.engine_cost == (141 + 120 if visited else 141 + prize)


@pytest.mark.parametrize("settings", ENGINES, ids=lambda s: s.engine)
def test_two_depots_heterogeneous_fleet(settings: VrpSettings) -> None:
    # Depots at 0 and 100 (x 10); two clients near each; the small van at depot 1.
    x = 10 * np.array([0, 100, -2, 3, 98, 103])
    matrix = np.abs(x[:, None] - x[None, :])
    model = VrpModel(
        duration=matrix,
        distance=matrix,
        depots=[0, 1],
        clients=[2, 3, 4, 5],
        demand=[3, 3, 1, 1],
        vehicle_types=(
            VehicleType(count=1, capacity=6, depot=0, fixed_cost=10),
            VehicleType(count=1, capacity=2, depot=1, fixed_cost=5),
        ),
    )
    result = solve_vrp(model, settings)
    check_result(model, result)
    assert [(r.vehicle_type, r.depot, sorted(r.visits)) for r in result.routes] == [
        (0, 0, [0, 1]),
        (1, 1, [2, 3]),
    ]
    assert result.cost == 10 + 100 + 5 + 100


@pytest.mark.parametrize("settings", ENGINES, ids=lambda s: s.engine)
def test_duration_objective_cost_is_route_duration(settings: VrpSettings) -> None:
    model = line_model(objective="duration")
    result = solve_vrp(model, settings)
    check_result(model, result)
    assert result.cost == result.engine_cost == 1 + 160


def test_invalid_model_is_named() -> None:
    with pytest.raises(ValueError, match="depot 2 is not a depot index"):
        VrpModel(
            duration=np.zeros((2, 2)),
            distance=np.zeros((2, 2)),
            depots=[0],
            clients=[1],
            vehicle_types=(VehicleType(count=1, capacity=1, depot=2),),
        )
    with pytest.raises(ValueError, match="integer values"):
        VrpModel(
            duration=np.full((2, 2), 0.5),
            distance=np.zeros((2, 2)),
            depots=[0],
            clients=[1],
            vehicle_types=(VehicleType(count=1, capacity=1),),
        )


def solomon(name: str) -> Path:
    path = SHARED / "vrptw" / "solomon25" / name
    if not path.is_file():
        pytest.skip(f"shared benchmark file {path} not found")
    return path


def test_solomon_c101_25_reaches_reference() -> None:
    from benchmarks.vrptw import build_model, read_instance, verify

    instance = read_instance(solomon("C101.25.3.vrptw"))
    model = build_model(instance)
    settings = VrpSettings(engine="pyvrp", seed=1, max_iterations=2_000, time_limit_s=60)
    result = solve_vrp(model, settings)
    check_result(model, result)
    assert result.cost == 1913
    assert verify(instance, result) == (1913, "FEASIBLE")


def test_same_seed_same_routes() -> None:
    from benchmarks.vrptw import build_model, read_instance

    model = build_model(read_instance(solomon("R101.25.8.vrptw")))
    settings = VrpSettings(engine="pyvrp", seed=5, max_iterations=500, time_limit_s=60)
    first, second = solve_vrp(model, settings), solve_vrp(model, settings)
    assert first.routes == second.routes and first.cost == second.cost
    ortools = VrpSettings(engine="ortools", solution_limit=100, time_limit_s=60)
    assert solve_vrp(model, ortools).routes == solve_vrp(model, ortools).routes


def test_solomon_reader_names_file_and_section(tmp_path: Path) -> None:
    from benchmarks.vrptw import InstanceError, read_instance

    text = solomon("C101.25.3.vrptw").read_text().replace("\n5 727 782\n", "\n5 727\n")
    bad = tmp_path / "bad.vrptw"
    bad.write_text(text)
    with pytest.raises(InstanceError, match=r"bad\.vrptw: TIME_WINDOW_SECTION: line \d+"):
        read_instance(bad)


def test_ortools_finds_tight_fleet_solution() -> None:
    # RC105.25: 4 vehicles, the reference's fleet; the insertion heuristic alone fails.
    from benchmarks.vrptw import build_model, read_instance, verify

    instance = read_instance(solomon("RC105.25.4.vrptw"))
    model = build_model(instance)
    settings = VrpSettings(engine="ortools", solution_limit=300, time_limit_s=60)
    result = solve_vrp(model, settings)
    check_result(model, result)
    value, status = verify(instance, result)
    assert status == "FEASIBLE" and value == result.cost
