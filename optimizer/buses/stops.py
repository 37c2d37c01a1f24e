"""Bus stops: which riders' villages a school's buses stop at, and who walks to which.

Buses stop at designated stops only. With ``policy.bus.walk_to_stop_m`` above zero
the riders of a village may walk to a stop in another village within that walking
distance (lowered per band by ``bands.<band>.walk_to_stop_m``). For each receiving
school the stops are chosen among its riders' villages by a set-cover model
(OR-Tools CP-SAT, one worker, fixed seed):

.. math::

    \\min\\; B \\sum_v y_v + \\sum_{u, v} p_u\\, w_{uv}\\, x_{uv}
    \\quad\\text{s.t.}\\quad \\sum_v x_{uv} = 1\\;\\forall u,\\quad
    x_{uv} \\le y_v,\\quad y_v \\le x_{vv}

with :math:`x_{uv}` = the riders of village :math:`u` board at :math:`v` (only where
:math:`u` may walk to :math:`v`), :math:`y_v` = :math:`v` is a stop, :math:`p_u` the
riders of :math:`u`, :math:`w_{uv}` the walking distance, and :math:`B` larger than
any total walk: first the fewest stops, then the least walking (pupil-metres). A
stop's own riders board at home. Where the largest bus must take a whole stop
(``split_stops: false``) a stop's riders fit its seats.

A village may walk to a stop only if the walk plus the direct ride from the stop,
with the longest stop there could be, keeps every band within its one-way limit,
so every choice can be routed; the routes then keep walk + ride within the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from geodata.matrices import UNREACHABLE
from optimizer.buses.settings import RoutingSettings
from optimizer.interrupt import interruptible
from optimizer.plan import SolverRun
from optimizer.problem.data import Problem
from optimizer.problem.rules import (
    anyone_walks_to_stops,
    stop_time_s,
    walk_to_stop_limit_m,
    youngest_limit_s,
)

#: Riders of one school: village index -> band -> pupils (as in optimizer.buses.runs).
Riders = dict[int, dict[str, int]]
#: CP-SAT work limit of one school's stop choice (deterministic; the models are small).
DETERMINISTIC_TIME = 10.0


@dataclass(frozen=True)
class StopChoice:
    """Where the riders of one school board.

    Attributes
    ----------
    stop_of
        Riding village -> the village whose stop its riders board at (itself when it
        is a stop).
    run
        The CP-SAT run, or ``None`` when nobody may walk to a stop (every village
        with riders is its own stop).
    """

    stop_of: dict[int, int]
    run: SolverRun | None

    @property
    def stops(self) -> list[int]:
        """The stop villages, in index order."""
        return sorted(set(self.stop_of.values()))


def may_walk(problem: Problem, school: int, riders: Riders) -> dict[int, list[int]]:
    """For each riding village, the other riding villages whose stop it may walk to.

    A village ``u`` may walk to ``v`` when the walk is within its limit and, for each
    of ``u``'s bands and for ``v``'s own riders, the walk plus the direct ride from
    ``v`` with the longest stop there (every possible walker boarding, up to the
    largest bus) is within the one-way limit.
    """
    place = problem.school_place(school)
    villages = sorted(riders)
    seats = problem.bus.largest_seats
    near: dict[int, list[int]] = {}
    for u in villages:
        limit = walk_to_stop_limit_m(problem, riders[u])
        near[u] = [
            v
            for v in villages
            if v != u
            and limit > 0
            and int(problem.walk_m[u, v]) != UNREACHABLE
            and int(problem.walk_m[u, v]) <= limit
        ]
    pupils = {u: sum(riders[u].values()) for u in villages}
    longest_stop = {
        v: stop_time_s(
            problem, min(seats, pupils[v] + sum(pupils[u] for u in villages if v in near[u]))
        )
        for v in villages
    }

    def youngest_limit(v: int) -> int:
        return youngest_limit_s(problem, riders[v])

    out: dict[int, list[int]] = {}
    for u in villages:
        out[u] = []
        for v in near[u]:
            ride = int(problem.time_s[v, place]) + longest_stop[v]
            walk_s = int(problem.walk_time_s(int(problem.walk_m[u, v])))
            if walk_s + ride <= youngest_limit(u) and ride <= youngest_limit(v):
                out[u].append(v)
    return out


def choose_stops(
    problem: Problem, school: int, riders: Riders, settings: RoutingSettings | None = None
) -> StopChoice:
    """The fewest stops for one school's riders, then the least walking.

    Parameters
    ----------
    problem
        The planning problem (walking distances, limits, ``bus.walk_to_stop_m``).
    school
        School index.
    riders
        Who rides to this school, by village and band.
    settings
        The seed and the time guard; CP-SAT runs with one worker and a deterministic
        work limit, so the same inputs give the same stops.
    """
    settings = settings or RoutingSettings()
    villages = sorted(riders)
    if not anyone_walks_to_stops(problem):
        return StopChoice({v: v for v in villages}, None)
    walk_to = may_walk(problem, school, riders)
    pupils = {u: sum(riders[u].values()) for u in villages}
    model = cp_model.CpModel()
    y = {v: model.new_bool_var(f"stop_{v}") for v in villages}
    x = {(u, v): model.new_bool_var(f"board_{u}_{v}") for u in villages for v in [u, *walk_to[u]]}
    for u in villages:
        model.add_exactly_one(x[u, v] for v in [u, *walk_to[u]])
        model.add_implication(y[u], x[u, u])
    for (_, v), var in x.items():
        model.add_implication(var, y[v])
    if not problem.bus.split_stops:
        seats = problem.bus.largest_seats
        for v in villages:
            boarding = [pupils[u] * var for (u, w), var in x.items() if w == v]
            model.add(sum(boarding) <= seats)
    walking = {(u, v): pupils[u] * int(problem.walk_m[u, v]) for (u, v) in x if u != v}
    big = sum(max((walking[u, v] for v in walk_to[u]), default=0) for u in villages) + 1
    model.minimize(big * sum(y.values()) + sum(walking[k] * x[k] for k in walking))
    for u in villages:  # every village its own stop: always a plan
        model.add_hint(y[u], True)
        for v in walk_to[u]:
            model.add_hint(x[u, v], False)
        model.add_hint(x[u, u], True)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = settings.seed
    solver.parameters.max_deterministic_time = DETERMINISTIC_TIME
    solver.parameters.max_time_in_seconds = settings.time_limit_s
    status = interruptible(lambda: solver.solve(model))
    name = solver.status_name(status)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        stop_of = {u: next(v for v in [u, *walk_to[u]] if solver.value(x[u, v])) for u in villages}
        objective, bound = float(solver.objective_value), float(solver.best_objective_bound)
        gap = abs(objective - bound) / max(1.0, abs(objective))
    else:  # (not expected: the hint is a plan) every village its own stop
        stop_of, objective, bound, gap = {v: v for v in villages}, 0.0, None, None
    run = SolverRun(
        stage=f"stops {problem.school_ids[school]}",
        engine="cp-sat",
        status=name,
        objective=objective,
        bound=bound,
        gap=gap,
        settings={
            "workers": 1,
            "seed": settings.seed,
            "max_deterministic_time": DETERMINISTIC_TIME,
            "time_limit_s": settings.time_limit_s,
            "walk_to_stop_m": problem.bus.walk_to_stop_m,
        },
        reproducible=solver.wall_time < settings.time_limit_s,
    )
    return StopChoice(stop_of, run)
