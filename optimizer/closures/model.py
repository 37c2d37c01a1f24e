"""Which schools close, expand or become teaching points, and where pupils go.

Each (village, band) with pupils is a customer of the single-source facility core
(:mod:`optimizer.solvers.facility`); schools are the facilities. A pair (village, band,
school) exists only where the pupils can get there within the rules, with one mode
(:mod:`optimizer.closures.options`):

- ``walk``: within the band's walking distance and one-way limit;
- ``ride``: the bus-speed drive is within the band's one-way limit (a school bus
  when the pupils move, the family's own way when they stay; kindergarten
  children are brought by guardians within their limit);
- ``board``: grades 4-9 only, when the drive is over the limit.

Side rules (the core's :class:`~optimizer.solvers.facility.SideModel`), per kept school:

- classes: for each band, ``norm * classes >= pupils`` (45 primary, 50 junior, 30
  kindergarten and teaching point); classes of all bands <= classrooms + added
  classrooms; classes <= the level's largest school size. Where a school's
  classrooms are unknown (0), its pupil ``capacity`` applies instead;
- lunch: every bused or boarding pupil eats at school:
  ``sittings * (canteen seats + added) >= bused + boarding pupils``;
- beds: boarders <= beds + added beds;
- transport estimate: each bused pupil costs ``fixed_cost / seats`` of a bus a year;
- minimum enrolment unless the school is kept as a teaching point (primary only);
- investment only at kept schools, within the budget;
- kindergartens: public places >= the public share of all places kept, and
  inclusive places (public or private-inclusive) >= the inclusive share (100 %);
  a kept private kindergarten may be made inclusive with a yearly subsidy per place.

Objective (yuan/year): running cost of kept schools + transport estimate + capital
(weighted) + boarding cost + value of pupils' travel time. Optionally
lexicographic: first the longest grades 1-3 journey, then that objective.
An unserved slack with a prohibitive penalty keeps the model feasible; villages
that need it are reported with the limit at fault instead of a solver status
(:mod:`optimizer.closures.explanations`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import ortools

from geodata.places import BANDS
from optimizer.closures.explanations import capacity_reasons, contradictions, reachability_reasons
from optimizer.closures.options import option
from optimizer.errors import InfeasibleScenario
from optimizer.plan import SolverRun
from optimizer.problem.build import BAND_NORM, Problem
from optimizer.scenario.schema import Solver
from optimizer.solvers.facility import (
    FacilityModel,
    FacilityResult,
    SideModel,
    SolveSettings,
    solve_facility,
)


@dataclass(frozen=True)
class ClosureResult:
    """The decisions per school and the school of every (village, band) with pupils."""

    open: np.ndarray
    teaching_point: np.ndarray
    school: np.ndarray
    classes: np.ndarray
    added_classrooms: np.ndarray
    added_canteen_seats: np.ndarray
    added_beds: np.ndarray
    subsidised: np.ndarray
    buses_estimate: np.ndarray
    run: SolverRun


def solve_closures(problem: Problem, config: Solver | None = None) -> ClosureResult:
    """Decide closures, teaching points, investments and assignments.

    Parameters
    ----------
    problem
        The planning problem.
    config
        Solver settings; CP-SAT stops at a *deterministic* time limit so that the
        same inputs give the same plan on any machine.

    Raises
    ------
    InfeasibleScenario
        With the villages and limits that make the scenario impossible.
    """
    reasons = reachability_reasons(problem)
    if reasons:
        raise InfeasibleScenario(reasons)
    config = config or Solver()
    settings = SolveSettings(
        engine=config.closures_engine,
        workers=config.closures_workers,
        seed=config.seed,
        deterministic_time=config.closures_deterministic_time,
        # A wall-clock guard only; a run that reaches it is flagged not reproducible.
        time_limit_s=config.closures_time_limit_s,
        relative_gap=config.closures_relative_gap,
    )
    builder = ClosureModel(problem, candidates=config.closures_candidates)
    stages = []
    longest = None
    if problem.policy.weights.objective == "lexicographic":
        first = solve_facility(builder.model(minimise_longest_p13=True), settings)
        _check(problem, builder, first)
        longest = int(round(first.objective))
        stages.append(f"longest grades 1-3 journey {longest} s")
    result = solve_facility(builder.model(longest_p13=longest), settings)
    _check(problem, builder, result)
    return builder.decode(result, config, settings, stages)


def _check(problem: Problem, builder: ClosureModel, result: FacilityResult) -> None:
    if result.status == "INFEASIBLE":
        raise InfeasibleScenario(contradictions(problem))
    if not result.has_solution:
        raise InfeasibleScenario(
            [
                f"the closure model found no plan within its limits ({result.status} after "
                f"{result.wall_time_s:.1f} s); raise solver.closures_time_limit_s (or, with "
                "the sat engine, solver.closures_deterministic_time)"
            ]
        )
    lacking = [builder.customers[c] for c in np.flatnonzero(result.choice < 0)]
    if lacking and result.status != "OPTIMAL":
        raise InfeasibleScenario(
            [
                f"the closure solver stopped at its limit ({result.status}, "
                f"{result.wall_time_s:.0f} s) with {len(lacking)} village bands not yet served: "
                "that proves nothing about capacity; raise solver.closures_time_limit_s (or the "
                "sat engine's solver.closures_deterministic_time)"
            ]
        )
    if lacking and builder.candidates is not None:
        raise InfeasibleScenario(
            [
                f"village {problem.village_ids[v]} band {BANDS[b]} ({problem.pupils[v, b]} "
                f"pupils): no place among its {builder.candidates} candidate schools "
                f"(solver.closures_candidates = {builder.candidates}); raise it, or leave it "
                "empty to weigh every school"
                for v, b in lacking
            ]
        )
    if lacking:
        raise InfeasibleScenario(capacity_reasons(problem, lacking))


class _Side:
    """Side variables and rows, with columns after the core's."""

    def __init__(self, first_column: int):
        self.first = first_column
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integral: list[bool] = []
        self.cost: list[float] = []
        self.entries: list[tuple[int, int, float]] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []

    def var(self, lower: float, upper: float, *, cost: float = 0.0, integral: bool = True) -> int:
        """A new side variable; returns its column."""
        self.lower.append(lower)
        self.upper.append(upper)
        self.integral.append(integral)
        self.cost.append(cost)
        return self.first + len(self.lower) - 1

    def row(self, terms: list[tuple[int, float]], lower: float, upper: float) -> None:
        """A row ``lower <= sum coef * column <= upper``."""
        r = len(self.row_lower)
        self.entries.extend((r, col, coef) for col, coef in terms)
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def model(self) -> SideModel:
        """The collected side model."""
        rows, cols, coefs = (
            (np.array(a) for a in zip(*self.entries, strict=True))
            if (self.entries)
            else (np.zeros(0), np.zeros(0), np.zeros(0))
        )
        return SideModel(
            lower=np.array(self.lower, float),
            upper=np.array(self.upper, float),
            integral=np.array(self.integral, bool),
            cost=np.array(self.cost, float),
            rows=rows.astype(np.int64),
            cols=cols.astype(np.int64),
            coefs=coefs.astype(float),
            row_lower=np.array(self.row_lower, float),
            row_upper=np.array(self.row_upper, float),
        )


class ClosureModel:
    """Builds the facility model of a problem and reads its solution back."""

    def __init__(self, problem: Problem, candidates: int | None = None):
        self.problem = problem
        self.candidates = candidates
        policy = problem.policy
        self.customers: list[tuple[int, int]] = []
        demand, stay, pc, pf, modes, times, cost = [], [], [], [], [], [], []
        per_min = policy.weights.travel_yuan_per_pupil_min
        board_cost = policy.weights.boarding_yuan_per_pupil
        for v in range(problem.n_villages):
            for b in range(len(BANDS)):
                pupils = int(problem.pupils[v, b])
                if pupils == 0:
                    continue
                c = len(self.customers)
                self.customers.append((v, b))
                demand.append(pupils)
                stay.append(int(problem.current[v, b]) if policy.move_only_from_closed else -1)
                for s in range(problem.n_schools):
                    opt = option(problem, b, v, s)
                    if opt is None:
                        continue
                    pc.append(c)
                    pf.append(s)
                    modes.append(opt.mode)
                    times.append(opt.time_s)
                    daily = 0 if opt.mode == "board" else opt.time_s
                    extra = board_cost * pupils if opt.mode == "board" else 0.0
                    cost.append(int(round(per_min * pupils * daily / 60.0 + extra)))
        self.demand = np.array(demand, dtype=np.int64)
        self.stay = np.array(stay, dtype=np.int64)
        self.pair_customer = np.array(pc, dtype=np.int64)
        self.pair_facility = np.array(pf, dtype=np.int64)
        self.pair_mode = np.array(modes)
        self.pair_time = np.array(times, dtype=np.int64)
        self.pair_cost = np.array(cost, dtype=np.int64)
        self.pair_band = np.array([self.customers[c][1] for c in pc], dtype=np.int64)
        today = np.array([problem.today[self.customers[c]] for c in pc], dtype=np.int64)
        self.pair_moves = self.pair_facility != today  # moved since the base year: a bus
        self.pair_bus = (self.pair_mode == "ride") & self.pair_moves & (self.pair_band != 0)
        keep = np.ones(len(self.pair_cost), bool)
        if policy.bus.max_new_buses == 0:  # no new bus: nobody may move onto one
            keep &= ~self.pair_bus
        if candidates is not None:
            keep &= self._cheapest(candidates, stay)
        if not keep.all():
            for name in (
                "pair_customer",
                "pair_facility",
                "pair_mode",
                "pair_time",
                "pair_cost",
                "pair_band",
                "pair_moves",
                "pair_bus",
            ):
                setattr(self, name, getattr(self, name)[keep])
        self.pair_lunch = self.pair_bus | (self.pair_mode == "board")

    def _cheapest(self, candidates: int, stay: list[int]) -> np.ndarray:
        """Pairs among each customer's ``candidates`` cheapest by journey (the value of the
        travel time, or the boarding cost; then time, then school), and every pair to
        today's school or to a school pupils stay at.

        The bus estimate is left out of the ranking: with it, the 1000-village county
        kept fewer bus options and its plan came out 0.8 % dearer and slower to prove.
        """
        n_k = len(self.pair_cost)
        order = np.lexsort((self.pair_facility, self.pair_time, self.pair_cost, self.pair_customer))
        customer = self.pair_customer[order]
        rank = np.arange(n_k) - np.searchsorted(customer, customer, side="left")
        keep = np.zeros(n_k, bool)
        keep[order[rank < candidates]] = True
        stays = np.asarray(stay, np.int64)[self.pair_customer]
        return keep | ~self.pair_moves | (self.pair_facility == stays)

    def _classroom_model(self) -> np.ndarray:
        """Schools whose classes are counted (classrooms known)."""
        return self.problem.classrooms > 0

    def model(
        self, *, minimise_longest_p13: bool = False, longest_p13: int | None = None
    ) -> FacilityModel:
        """The facility model with every side rule.

        Parameters
        ----------
        minimise_longest_p13
            Objective: only the longest grades 1-3 journey (first lexicographic stage).
        longest_p13
            Cap on every grades 1-3 journey, seconds (second lexicographic stage).
        """
        p, policy = self.problem, self.problem.policy
        rules, invest, weights = policy.schools, policy.investment, policy.weights
        n_f, n_k = p.n_schools, len(self.pair_cost)
        open_cost = np.rint(weights.running_cost * p.running_cost).astype(np.int64)
        # Transport estimate: each bused pupil takes 1/seats of a bus's yearly cost (a
        # fractional fleet; the routes give the real count). Whole buses here would
        # make the model an order of magnitude slower for a 0.05 % different cost.
        seat_cost = weights.transport * policy.bus.fixed_cost / policy.bus.seats
        pair_cost = self.pair_cost + np.rint(
            seat_cost * self.demand[self.pair_customer] * self.pair_bus
        ).astype(np.int64)
        big = int(self.demand.sum()) + 1
        counted = self._classroom_model()
        capacity = np.where(counted, big, p.capacity).astype(np.int64)
        penalty = int(open_cost.sum() + pair_cost.sum() + 1e9)
        side = _Side(n_f + n_k + len(self.demand))
        scale = 0.0 if minimise_longest_p13 else 1.0
        x = n_f + np.arange(n_k)
        by_school = [np.flatnonzero(self.pair_facility == s) for s in range(n_f)]
        budget_terms = []
        self.columns: dict[str, dict[tuple[int, ...], int]] = {
            "classes": {},
            "rooms": {},
            "seats": {},
            "beds": {},
            "subsidy": {},
            "tp": {},
        }
        cols = self.columns
        for s in range(n_f):
            ks = by_school[s]
            if not len(ks):
                continue
            level = p.school_levels[s]
            tp = None
            if (
                rules.teaching_points
                and rules.min_enrolment > 0
                and level == "primary"
                and not p.must_keep[s]
            ):
                tp = side.var(0, 1)
                cols["tp"][(s,)] = tp
                side.row([(tp, 1.0), (s, -1.0)], -np.inf, 0.0)
            closable = p.may_close[s] and not p.must_keep[s] and policy.closures.allow
            if rules.min_enrolment > 0 and closable and level in rules.min_enrolment_levels:
                terms = [(int(x[k]), float(self.demand[self.pair_customer[k]])) for k in ks]
                terms.append((s, -float(rules.min_enrolment)))
                if tp is not None:
                    terms.append((tp, float(rules.min_enrolment)))
                side.row(terms, 0.0, np.inf)
            if counted[s]:
                class_cols = []
                for b in np.unique(self.pair_band[ks]).tolist():
                    kb = ks[self.pair_band[ks] == b]
                    load = [(int(x[k]), -float(self.demand[self.pair_customer[k]])) for k in kb]
                    norm = rules.class_size[BAND_NORM[BANDS[b]]]
                    most = int(self.demand[self.pair_customer[kb]].sum())
                    col = side.var(
                        0, math.ceil(most / min(norm, rules.class_size["teaching_point"])) + 1
                    )
                    cols["classes"][(s, b)] = col
                    class_cols.append(col)
                    side.row([(col, float(norm)), *load], 0.0, np.inf)
                    if tp is not None:
                        tp_norm = float(rules.class_size["teaching_point"])
                        side.row([(col, tp_norm), *load, (tp, -float(most))], -float(most), np.inf)
                rooms = side.var(
                    0, invest.max_classrooms, cost=scale * weights.capital * invest.classroom_cost
                )
                cols["rooms"][(s,)] = rooms
                side.row([(rooms, 1.0), (s, -float(invest.max_classrooms))], -np.inf, 0.0)
                side.row(
                    [(c, 1.0) for c in class_cols] + [(rooms, -1.0)],
                    -np.inf,
                    float(p.room_limit(s)),
                )
                most_classes = p.size_limit(s)
                if most_classes is not None:
                    side.row([(c, 1.0) for c in class_cols], -np.inf, float(most_classes))
                budget_terms.append((rooms, invest.classroom_cost))
            lunch = ks[self.pair_lunch[ks]]
            if len(lunch):
                most = math.ceil(
                    self.demand[self.pair_customer[lunch]].sum() / rules.lunch_sittings
                )
                seats = side.var(0, most, cost=scale * weights.capital * invest.canteen_seat_cost)
                cols["seats"][(s,)] = seats
                terms = [(int(x[k]), -float(self.demand[self.pair_customer[k]])) for k in lunch]
                side.row(
                    [(seats, float(rules.lunch_sittings)), *terms],
                    -float(rules.lunch_sittings * p.canteen_seats[s]),
                    np.inf,
                )
                side.row([(seats, 1.0), (s, -float(most))], -np.inf, 0.0)
                budget_terms.append((seats, invest.canteen_seat_cost))
            board = ks[self.pair_mode[ks] == "board"]
            if len(board):
                most = int(self.demand[self.pair_customer[board]].sum())
                beds = side.var(0, most, cost=scale * weights.capital * invest.bed_cost)
                cols["beds"][(s,)] = beds
                terms = [(int(x[k]), -float(self.demand[self.pair_customer[k]])) for k in board]
                side.row([(beds, 1.0), *terms], -float(p.boarding_beds[s]), np.inf)
                side.row([(beds, 1.0), (s, -float(most))], -np.inf, 0.0)
                budget_terms.append((beds, invest.bed_cost))
        most_buses = policy.bus.max_new_buses
        bused = np.flatnonzero(self.pair_bus)
        if most_buses and len(bused):
            # Seats alone: the routes may need more buses, which the plan then reports.
            side.row(
                [(int(x[k]), float(self.demand[self.pair_customer[k]])) for k in bused],
                -np.inf,
                float(most_buses * policy.bus.seats),
            )
        if budget_terms:
            side.row([(c, float(cost)) for c, cost in budget_terms], -np.inf, float(invest.budget))
        if p.closed is not None:  # closed by an earlier year of a timeline: stays closed
            for s in np.flatnonzero(p.closed).tolist():
                side.row([(s, 1.0)], -np.inf, 0.0)
        kindergartens = [s for s in range(n_f) if p.school_levels[s] == "kindergarten"]
        places = [self._places(s) for s in kindergartens]
        room_places = rules.class_size["kindergarten"]

        def built(flag: np.ndarray, share: float) -> list[tuple[int, float]]:
            """Places of added classrooms, by kind (private ones are not made inclusive)."""
            return [
                (cols["rooms"][(s,)], (float(flag[s]) - share) * room_places)
                for s in kindergartens
                if (s,) in cols["rooms"]
            ]

        share = rules.kindergarten_public_share
        if kindergartens and share > 0:  # kept public places >= share x kept places
            side.row(
                [
                    (s, (float(p.public[s]) - share) * n)
                    for s, n in zip(kindergartens, places, strict=True)
                ]
                + built(p.public, share),
                0.0,
                np.inf,
            )
        share = rules.kindergarten_inclusive_share
        if kindergartens and share > 0:
            # A kept private kindergarten may be made inclusive with a yearly subsidy.
            terms = [
                (s, (float(p.inclusive[s]) - share) * n)
                for s, n in zip(kindergartens, places, strict=True)
            ]
            for s, n in zip(kindergartens, places, strict=True):
                if not p.inclusive[s]:
                    subsidy = side.var(
                        0, 1, cost=scale * n * policy.investment.inclusive_subsidy_per_place
                    )
                    cols["subsidy"][(s,)] = subsidy
                    side.row([(subsidy, 1.0), (s, -1.0)], -np.inf, 0.0)
                    terms.append((subsidy, float(n)))
            side.row(terms + built(p.inclusive, share), 0.0, np.inf)
        p13 = np.flatnonzero(self.pair_band == BANDS.index("p13"))
        if minimise_longest_p13:
            longest = side.var(0, float(self.pair_time.max(initial=0)), cost=1.0, integral=False)
            for k in p13.tolist():
                side.row([(longest, 1.0), (int(x[k]), -float(self.pair_time[k]))], 0.0, np.inf)
            open_cost = open_cost * 0
            pair_cost = pair_cost * 0
            penalty = int(self.pair_time.max(initial=0)) * 1000 + 1
        pair_upper = None
        if longest_p13 is not None:
            pair_upper = p13[self.pair_time[p13] > longest_p13]
            for k in pair_upper.tolist():
                side.row([(int(x[k]), 1.0)], 0.0, 0.0)
        return FacilityModel(
            open_cost=open_cost,
            capacity=capacity,
            demand=self.demand,
            pair_customer=self.pair_customer,
            pair_facility=self.pair_facility,
            pair_cost=pair_cost,
            forced_open=p.must_keep | ~p.may_close | (not policy.closures.allow),
            stay=self.stay,
            unserved_penalty=penalty,
            side=side.model(),
        )

    def _buses_estimate(self, choice: np.ndarray) -> np.ndarray:
        """Buses each school needs by seats alone (the routes decide the real count)."""
        p = self.problem
        chosen = self.pair_facility == choice[self.pair_customer]
        riders = np.bincount(
            self.pair_facility[chosen & self.pair_bus],
            weights=self.demand[self.pair_customer[chosen & self.pair_bus]],
            minlength=p.n_schools,
        )
        return np.ceil(riders / p.policy.bus.seats).astype(np.int64)

    def _places(self, s: int) -> int:
        """Places a school offers: classrooms x norm, or its capacity."""
        p = self.problem
        if p.classrooms[s] > 0:
            level = "kindergarten" if p.school_levels[s] == "kindergarten" else "primary"
            return int(p.classrooms[s]) * p.policy.schools.class_size[level]
        return int(p.capacity[s])

    def decode(
        self, result: FacilityResult, config: Solver, settings: SolveSettings, stages: list[str]
    ) -> ClosureResult:
        """The decisions of a solved model."""
        p = self.problem
        n_f = p.n_schools
        first = n_f + len(self.pair_cost) + len(self.demand)
        values = result.side_values

        def read(kind: str, shape: tuple[int, ...]) -> np.ndarray:
            out = np.zeros(shape, dtype=np.int64)
            for key, col in self.columns[kind].items():
                out[key] = int(values[col - first])
            return out

        school = np.full(p.pupils.shape, -1, dtype=np.int64)
        for c, (v, b) in enumerate(self.customers):
            school[v, b] = result.choice[c]
        run = SolverRun(
            stage="closures",
            engine=result.engine
            or f"OR-Tools {ortools.__version__} model builder, {config.closures_engine}",
            status=result.status,
            objective=result.objective,
            bound=result.bound,
            gap=result.gap,
            settings={
                **result.settings,
                "objective": p.policy.weights.objective,
                "stages": stages,
                "candidates": config.closures_candidates,
            },
            # Proven optimal (single-threaded MIP), or CP-SAT on one worker stopped by
            # its deterministic limit: the same inputs give the same plan.
            reproducible=result.wall_time_s < 0.98 * settings.time_limit_s
            and (
                (result.status == "OPTIMAL" or result.gap <= settings.relative_gap)
                if config.closures_engine != "sat"
                else config.closures_workers == 1
            ),
        )
        return ClosureResult(
            open=result.is_open,
            teaching_point=read("tp", (n_f,)).astype(bool),
            school=school,
            classes=read("classes", (n_f, len(BANDS))),
            added_classrooms=read("rooms", (n_f,)),
            added_canteen_seats=read("seats", (n_f,)),
            added_beds=read("beds", (n_f,)),
            subsidised=read("subsidy", (n_f,)).astype(bool),
            buses_estimate=self._buses_estimate(result.choice),
            run=run,
        )
