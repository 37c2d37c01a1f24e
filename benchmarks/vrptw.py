"""Solomon VRPTW instances in LKH-3 format, solved by the shared VRP core.

LKH-3's convention (``SCALE : 10``, ``EDGE_WEIGHT_TYPE : FLOOR_2D``): the distance is
``floor(10 x Euclidean)``, travel time equals distance, and LKH-3 multiplies service
times and time windows by the same ``SCALE``, so every figure is in tenths of Solomon's
units. Node 1 is the depot; ``VEHICLES`` is the fleet the reference used and is the
fleet limit here; the objective is the total distance.

The value reported is recomputed here from the returned visit orders (the sum of the
route distances), after an independent check of the solution against the file's data.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.budget import Budget
from benchmarks.runner import Outcome, Status
from optimizer.solvers.vrp import VehicleType, VrpModel, VrpResult, VrpSettings, solve_vrp

PATTERN = "*.vrptw"
#: The fixed seed of the benchmark runs.
SEED = 1
#: PyVRP's granular neighbourhood: 30 nearest clients (PyVRP's default 50 was slower per
#: iteration and no better on solomon100: C101.100 stuck at +8.6 % for one of 4 seeds).
NEIGHBOURS = 30
#: PyVRP iterations per second on 100 clients, one core, rounded down from what was
#: measured on the slowest instance (C101.100: 1 000-1 200/s on a 2-core machine busy
#: with another job). An iteration costs about ``clients + OVERHEAD_CLIENTS`` (25
#: clients ran at 3 000-4 300/s, about 3x, not 4x, the rate at 100).
ITERATIONS_PER_S_AT_100 = 800
OVERHEAD_CLIENTS = 25
#: Share of the time limit the iteration budget is sized to use: the limit is a guard.
BUDGET_SHARE = 0.5
#: OR-Tools routing (guided local search) solutions per second, one core, from runs on a
#: 2-core machine busy with other jobs: 5 000 solutions took 9-18 s on 25 clients (a
#: 12-instance solomon25 subset), 300 took 11.8 s on 100 (R101.100). A rough proxy: the
#: later solutions of a search come slower (R201.100: 150 in 0.4 s, 500 in 17 s), so the
#: rates are set to use about half the guard. Between 25 and 100 clients the rate is
#: interpolated on a log-log scale.
SOLUTIONS_PER_S_AT_25 = 300
SOLUTIONS_PER_S_AT_100 = 30

_KEYWORD = re.compile(r"([A-Za-z_]+)\s*(:.*)?$")
_SECTIONS = (
    "NODE_COORD_SECTION",
    "DEMAND_SECTION",
    "TIME_WINDOW_SECTION",
    "SERVICE_TIME_SECTION",
    "DEPOT_SECTION",
)


class InstanceError(ValueError):
    """A malformed instance file; the message names the file, section and line."""


@dataclass(frozen=True)
class Instance:
    """A Solomon instance as read (every time figure already multiplied by ``scale``)."""

    name: str
    coords: np.ndarray
    demand: np.ndarray
    service: np.ndarray
    tw_early: np.ndarray
    tw_late: np.ndarray
    capacity: int
    vehicles: int
    scale: int
    depot: int


def read_instance(path: Path) -> Instance:
    """Read an LKH-3 CVRPTW file.

    Raises
    ------
    InstanceError
        On a missing keyword or section, or a malformed line (named with file, section
        and line number).
    """
    lines = Path(path).read_text().splitlines()
    header: dict[str, str] = {}
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current = None
    for lineno, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        word = _KEYWORD.match(text)
        if word is None and current is not None:
            sections[current].append((lineno, text.split()))
        elif word is None:
            raise InstanceError(f"{path}: line {lineno}: data {text!r} outside a section")
        elif (key := word.group(1).upper()) == "EOF":
            break
        elif key in _SECTIONS:
            current = key
            sections[current] = []
        elif word.group(2) is not None:
            header[key] = word.group(2)[1:].strip()
            current = None
        else:
            raise InstanceError(
                f"{path}: line {lineno}: {key!r} is neither 'KEYWORD : value' nor a section"
            )

    def keyword(name: str, default: str | None = None) -> int:
        if name not in header and default is None:
            raise InstanceError(f"{path}: header: keyword {name} missing")
        value = header.get(name, default)
        try:
            return int(value)
        except ValueError:
            raise InstanceError(f"{path}: header: {name} = {value!r}, integer expected") from None

    n = keyword("DIMENSION")
    scale = keyword("SCALE", "1")
    if header.get("EDGE_WEIGHT_TYPE", "FLOOR_2D").upper() != "FLOOR_2D":
        raise InstanceError(
            f"{path}: header: EDGE_WEIGHT_TYPE "
            f"{header['EDGE_WEIGHT_TYPE']!r}, only FLOOR_2D is read"
        )
    coords = _table(path, sections, "NODE_COORD_SECTION", n, 2, float)
    demand = _table(path, sections, "DEMAND_SECTION", n, 1, int)[:, 0]
    windows = _table(path, sections, "TIME_WINDOW_SECTION", n, 2, int)
    if "SERVICE_TIME_SECTION" in sections:
        service = _table(path, sections, "SERVICE_TIME_SECTION", n, 1, int)[:, 0]
    else:
        service = np.full(n, keyword("SERVICE_TIME", "0"), dtype=np.int64)
    depots = [int(f[0]) for _, f in sections.get("DEPOT_SECTION", []) if f[0] != "-1"]
    if len(depots) > 1 or depots and not 1 <= depots[0] <= n:
        raise InstanceError(f"{path}: DEPOT_SECTION: one depot in 1..{n} expected, got {depots}")
    depot = depots[0] - 1 if depots else 0
    service[depot] = 0  # LKH-3: no service time at the depot
    if np.any(windows[:, 1] < windows[:, 0]):
        bad = int(np.flatnonzero(windows[:, 1] < windows[:, 0])[0]) + 1
        raise InstanceError(f"{path}: TIME_WINDOW_SECTION: node {bad} closes before it opens")
    return Instance(
        name=header.get("NAME", Path(path).stem),
        coords=coords,
        demand=demand,
        service=service * scale,
        tw_early=windows[:, 0] * scale,
        tw_late=windows[:, 1] * scale,
        capacity=keyword("CAPACITY"),
        vehicles=keyword("VEHICLES"),
        scale=scale,
        depot=depot,
    )


def _table(
    path: Path,
    sections: dict[str, list[tuple[int, list[str]]]],
    section: str,
    n: int,
    width: int,
    kind: type,
) -> np.ndarray:
    """Rows ``node v1 .. v_width`` for nodes 1..n, in node order."""
    if section not in sections:
        raise InstanceError(f"{path}: {section} missing")
    out = np.zeros((n, width), dtype=np.float64 if kind is float else np.int64)
    seen = set()
    for lineno, fields in sections[section]:
        where = f"{path}: {section}: line {lineno}"
        if len(fields) != width + 1:
            raise InstanceError(f"{where}: {width + 1} fields expected, got {len(fields)}")
        try:
            node = int(fields[0])
            values = [kind(v) for v in fields[1:]]
        except ValueError:
            raise InstanceError(f"{where}: not a number in {' '.join(fields)!r}") from None
        if not 1 <= node <= n or node in seen:
            raise InstanceError(f"{where}: node {node} outside 1..{n} or repeated")
        seen.add(node)
        out[node - 1] = values
    if len(seen) != n:
        raise InstanceError(f"{path}: {section}: {n - len(seen)} of {n} nodes missing")
    return out


def distance_matrix(instance: Instance) -> np.ndarray:
    """``floor(scale x Euclidean)`` between every pair of nodes (FLOOR_2D)."""
    diff = instance.coords[:, None, :] - instance.coords[None, :, :]
    return np.floor(instance.scale * np.sqrt((diff**2).sum(axis=2))).astype(np.int64)


def build_model(instance: Instance) -> VrpModel:
    """The VRP model: distance as both cost and travel time, the file's fleet."""
    dist = distance_matrix(instance)
    clients = np.array([i for i in range(len(instance.demand)) if i != instance.depot])
    return VrpModel(
        duration=dist,
        distance=dist,
        depots=np.array([instance.depot]),
        clients=clients,
        demand=instance.demand[clients],
        service=instance.service[clients],
        tw_early=instance.tw_early[clients],
        tw_late=instance.tw_late[clients],
        vehicle_types=(
            VehicleType(
                count=instance.vehicles,
                capacity=instance.capacity,
                tw_early=int(instance.tw_early[instance.depot]),
                tw_late=int(instance.tw_late[instance.depot]),
            ),
        ),
        objective="distance",
    )


def iteration_budget(num_clients: int, time_limit_s: float) -> int:
    """PyVRP iterations for a run: ``BUDGET_SHARE`` of the time limit at the measured
    rate, scaled by the number of clients (8 000 for 100 clients in 20 s, 20 000 for 25).
    The budget depends on nothing but its arguments, so a run is reproducible."""
    rate = ITERATIONS_PER_S_AT_100 * (100 + OVERHEAD_CLIENTS) / (num_clients + OVERHEAD_CLIENTS)
    return max(1, int(BUDGET_SHARE * time_limit_s * rate))


def solution_budget(num_clients: int, time_limit_s: float) -> int:
    """OR-Tools solutions for a run: ``BUDGET_SHARE`` of the time limit at the measured
    rate (3 000 for 25 clients in 20 s, 300 for 100); depends on its arguments only."""
    slope = math.log(SOLUTIONS_PER_S_AT_100 / SOLUTIONS_PER_S_AT_25) / math.log(4)
    rate = SOLUTIONS_PER_S_AT_25 * (max(num_clients, 1) / 25) ** slope
    return max(1, int(BUDGET_SHARE * time_limit_s * rate))


def check(instance: Instance, result: VrpResult) -> Outcome:
    """The total distance from the visit orders and the file's data, or no value and why.

    Checks, independently of the VRP core: every customer visited once, the fleet, the
    loads and the time windows (service starts as early as allowed).
    """
    if result.status == "NO_SOLUTION":
        return Outcome(None, Status.NO_SOLUTION)
    dist = distance_matrix(instance)
    depot = instance.depot
    customers = [i for i in range(len(instance.demand)) if i != depot]
    tours = [[customers[c] for c in route.visits] for route in result.routes]
    visited = sorted(v for tour in tours for v in tour)
    if visited != customers:
        return Outcome(None, Status.INFEASIBLE, "customers not each visited once")
    if len(tours) > instance.vehicles:
        return Outcome(
            None, Status.INFEASIBLE, f"{len(tours)} routes, {instance.vehicles} vehicles"
        )
    total = 0
    for tour in tours:
        if int(instance.demand[tour].sum()) > instance.capacity:
            return Outcome(None, Status.INFEASIBLE, "load")
        t, here = int(instance.tw_early[depot]), depot
        for v in [*tour, depot]:
            total += int(dist[here, v])
            t = max(t + int(dist[here, v]), int(instance.tw_early[v]))
            if t > instance.tw_late[v]:
                return Outcome(None, Status.INFEASIBLE, "time window")
            t += int(instance.service[v])
            here = v
    return Outcome(float(total), Status.FEASIBLE, "" if result.reproducible else "time guard")


def verify(instance: Instance, result: VrpResult) -> tuple[int | None, str]:
    """:func:`check` as ``(total distance or None, status)``, the note in brackets."""
    outcome = check(instance, result)
    status = str(outcome.status) + (f" ({outcome.note})" if outcome.note else "")
    return (None if outcome.value is None else int(outcome.value)), status


def solve_instance(
    path: Path,
    time_limit_s: float,
    *,
    engine: str = "pyvrp",
    settings: VrpSettings | None = None,
) -> Outcome:
    """Solve one instance with ``engine`` (PyVRP by default, or OR-Tools routing) within
    ``time_limit_s`` (reading included) and report its verified total distance;
    ``settings``, when given, replace the defaults. The iteration and solution budgets
    come from the nominal limit (reproducible); what is left of it is the guard."""
    budget = Budget(time_limit_s)
    instance = read_instance(path)
    model = build_model(instance)
    settings = settings or VrpSettings(
        engine=engine,
        seed=SEED,
        max_iterations=iteration_budget(model.num_clients, time_limit_s),
        neighbours=NEIGHBOURS,
        solution_limit=solution_budget(model.num_clients, time_limit_s),
        time_limit_s=budget.solver_s(),
    )
    return check(instance, solve_vrp(model, settings))
