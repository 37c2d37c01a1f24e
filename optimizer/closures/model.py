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

Objective (yuan/year, :mod:`optimizer.closures.objective`, the plan's own money
figures): the saving forgone by keeping each school + buses (fixed and per km) +
lunch and boarding subsidies + capital (weighted) + boarding weight + value of pupils'
travel time; and closing pays (:mod:`optimizer.closures.closing_pays`): each closure
saves more than it adds. Optionally
lexicographic: first the longest grades 1-3 journey, then that objective.
An unserved slack with a prohibitive penalty keeps the model feasible; villages
that need it are reported with the limit at fault instead of a solver status
(:mod:`optimizer.closures.explanations`, raised by :mod:`optimizer.closures.solve`).

The pairs are built in :mod:`optimizer.closures.pairs`, the side rules written in
:mod:`optimizer.closures.side_rules`, the router's cuts in :mod:`optimizer.closures.cuts`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ortools

from geodata.kinds import BANDS, Band
from optimizer.closures.closing_pays import write_closing_pays
from optimizer.closures.cuts import Cut, write_cuts
from optimizer.closures.objective import objective_costs
from optimizer.closures.pairs import Pairs, build_pairs
from optimizer.closures.policy_rows import write_policy_rows
from optimizer.closures.settings import ClosureSettings, Engine
from optimizer.closures.side import Side
from optimizer.closures.side_rules import Columns, SideRules
from optimizer.plan import Decision, SolverRun
from optimizer.problem.closing import forced_open
from optimizer.problem.data import Problem
from optimizer.solvers.facility import FacilityModel, FacilityResult


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


@dataclass(frozen=True)
class BuiltModel:
    """A facility model and where its side variables are (to read a solution back)."""

    facility: FacilityModel
    columns: Columns


class ClosureModel:
    """Builds the facility model of a problem and reads its solution back."""

    def __init__(
        self,
        problem: Problem,
        candidates: int | None = None,
        cuts: tuple[Cut, ...] = (),
        *,
        relax: bool = False,
    ):
        self.problem = problem
        self.candidates = candidates
        self.cuts = cuts
        self.relax = relax
        self.pairs: Pairs = build_pairs(problem, candidates)

    @property
    def customers(self) -> tuple[tuple[int, int], ...]:
        """``(village, band index)`` of each customer."""
        return self.pairs.customers

    @property
    def pair_customer(self) -> np.ndarray:
        """Customer of each pair."""
        return self.pairs.pair_customer

    @property
    def pair_facility(self) -> np.ndarray:
        """School of each pair."""
        return self.pairs.pair_facility

    def model(
        self, *, minimise_longest_p13: bool = False, longest_p13: int | None = None
    ) -> FacilityModel:
        """The facility model with every side rule (see :meth:`build`)."""
        return self.build(
            minimise_longest_p13=minimise_longest_p13, longest_p13=longest_p13
        ).facility

    def build(
        self, *, minimise_longest_p13: bool = False, longest_p13: int | None = None
    ) -> BuiltModel:
        """The facility model with every side rule, and its side columns.

        Parameters
        ----------
        minimise_longest_p13
            Objective: only the longest grades 1-3 journey (first lexicographic stage).
        longest_p13
            Cap on every grades 1-3 journey, seconds (second lexicographic stage).
        """
        p, pairs = self.problem, self.pairs
        open_cost, pair_cost = objective_costs(p, pairs)
        forced = forced_open(p)
        # A school the planner closes need not pay for itself: the planner's word decides.
        planner_closed = np.zeros(p.n_schools, bool)
        for s, decision in p.closing.decisions.items():
            planner_closed[s] = decision == Decision.CLOSE
        penalty = int(open_cost.sum() + pair_cost.sum() + 1e9)
        rules = SideRules(
            p,
            pairs,
            Side(p.n_schools + len(pairs.pair_cost) + len(pairs.demand)),
            scale=0.0 if minimise_longest_p13 else 1.0,
        )
        rules.write()
        write_closing_pays(p, pairs, rules.side, open_cost, pair_cost, forced | planner_closed)
        write_cuts(rules, pairs, self.cuts)
        write_policy_rows(rules, relax=self.relax)
        p13 = np.flatnonzero(pairs.pair_band == BANDS.index(Band.P13))
        if minimise_longest_p13:
            self._longest_p13(rules, p13)
            open_cost = open_cost * 0
            pair_cost = pair_cost * 0
            penalty = int(pairs.pair_time.max(initial=0)) * 1000 + 1
        if longest_p13 is not None:
            for k in p13[pairs.pair_time[p13] > longest_p13].tolist():
                rules.side.row([(rules.x(k), 1.0)], 0.0, 0.0)
        counted = p.classrooms > 0  # classes counted where classrooms are known
        facility = FacilityModel(
            open_cost=open_cost,
            capacity=np.where(counted, int(pairs.demand.sum()) + 1, p.pupil_limit()).astype(
                np.int64
            ),
            demand=pairs.demand,
            pair_customer=pairs.pair_customer,
            pair_facility=pairs.pair_facility,
            pair_cost=pair_cost,
            forced_open=forced,
            stay=pairs.stay,
            unserved_penalty=penalty,
            side=rules.side.model(),
        )
        return BuiltModel(facility, rules.columns)

    def _longest_p13(self, rules: SideRules, p13: np.ndarray) -> None:
        """The first lexicographic stage's objective: the longest grades 1-3 journey."""
        times = self.pairs.pair_time
        longest = rules.side.var(0, float(times.max(initial=0)), cost=1.0, integral=False)
        for k in p13.tolist():
            rules.side.row([(longest, 1.0), (rules.x(k), -float(times[k]))], 0.0, np.inf)

    def buses_estimate(self, choice: np.ndarray) -> np.ndarray:
        """Buses each school needs by seats alone (the routes decide the real count)."""
        p, pairs = self.problem, self.pairs
        chosen = pairs.pair_facility == choice[pairs.pair_customer]
        riders = np.bincount(
            pairs.pair_facility[chosen & pairs.pair_bus],
            weights=pairs.demand[pairs.pair_customer[chosen & pairs.pair_bus]],
            minlength=p.n_schools,
        )
        return np.ceil(riders / p.bus.seats).astype(np.int64)

    def decode(
        self,
        built: BuiltModel,
        result: FacilityResult,
        settings: ClosureSettings,
        stages: list[str],
    ) -> ClosureResult:
        """The decisions of the solved model ``built``."""
        p = self.problem
        n_f = p.n_schools
        first = built.facility.first_side_column
        values = result.side_values

        def read(kind: str, shape: tuple[int, ...]) -> np.ndarray:
            out = np.zeros(shape, dtype=np.int64)
            for key, col in built.columns[kind].items():
                out[key] = int(values[col - first])
            return out

        school = np.full(p.pupils.shape, -1, dtype=np.int64)
        for c, (v, b) in enumerate(self.customers):
            school[v, b] = result.choice[c]
        return ClosureResult(
            open=result.is_open,
            teaching_point=read("tp", (n_f,)).astype(bool),
            school=school,
            classes=read("classes", (n_f, len(BANDS))),
            added_classrooms=read("rooms", (n_f,)),
            added_canteen_seats=read("seats", (n_f,)),
            added_beds=read("beds", (n_f,)),
            subsidised=read("subsidy", (n_f,)).astype(bool),
            buses_estimate=self.buses_estimate(result.choice),
            run=self._run(result, settings, stages),
        )

    def _run(
        self, result: FacilityResult, settings: ClosureSettings, stages: list[str]
    ) -> SolverRun:
        """The solver record: proven optimal or within the gap (single-threaded MIP), a MIP
        stopped by its node limit, or CP-SAT on one worker stopped by its deterministic
        limit, is reproducible (unless the wall-clock guard stopped it first)."""
        if settings.engine != Engine.SAT:
            exact = (
                result.status == "OPTIMAL"
                or result.gap <= settings.relative_gap
                or settings.node_limit is not None  # stopped by its node limit
            )
        else:
            exact = settings.workers == 1
        return SolverRun(
            stage="closures",
            engine=result.engine
            or f"OR-Tools {ortools.__version__} model builder, {settings.engine}",
            status=result.status,
            objective=result.objective,
            bound=result.bound,
            gap=result.gap,
            settings={
                **result.settings,
                "objective": self.problem.weights.objective.value,
                "stages": stages,
                "candidates": settings.candidates,
            },
            reproducible=result.wall_time_s < 0.98 * settings.time_limit_s and exact,
        )
