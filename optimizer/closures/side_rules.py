"""The closure model's side rules, one step per rule, in a fixed order.

Per kept school: teaching point, minimum enrolment, classes and classrooms, lunch,
beds; then the plan-wide rows: new buses, the investment budget, schools closed by
earlier years, kindergarten places by ownership. The order of variables and rows is
part of the model: the same inputs write the same model, so the solver finds the
same plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from geodata.kinds import BANDS, Level
from optimizer.closures.pairs import Pairs
from optimizer.closures.side import Side
from optimizer.plan import Decision
from optimizer.problem.closing import decided
from optimizer.problem.data import Problem
from optimizer.problem.numbers import TEACHING_POINT, Way
from optimizer.problem.rules import class_norm, places

#: Kinds of side columns, each keyed by a tuple of indices (school, or school and band).
KINDS = ("classes", "rooms", "seats", "beds", "subsidy", "tp")
Columns = dict[str, dict[tuple[int, ...], int]]


@dataclass
class SideRules:
    """Writes the side rules of one model into ``side``.

    ``scale`` is 0 in the first lexicographic stage (investments cost nothing there).
    ``columns`` maps each kind of side variable to its columns; ``budget`` collects
    ``(column, yuan per unit)`` of every investment.
    """

    problem: Problem
    pairs: Pairs
    side: Side
    scale: float
    columns: Columns = field(default_factory=lambda: {kind: {} for kind in KINDS})
    budget: list[tuple[int, float]] = field(default_factory=list)

    def x(self, k: int) -> int:
        """Column of pair ``k``."""
        return self.problem.n_schools + k

    def load(self, ks: np.ndarray, sign: float = -1.0) -> list[tuple[int, float]]:
        """Terms ``sign * demand * x`` of the pairs ``ks``."""
        p = self.pairs
        return [(self.x(int(k)), sign * float(p.demand[p.pair_customer[k]])) for k in ks]

    def pupils(self, ks: np.ndarray) -> int:
        """Pupils of the pairs ``ks`` together."""
        return int(self.pairs.demand[self.pairs.pair_customer[ks]].sum())

    def write(self) -> None:
        """Every side rule, schools first, then the plan-wide rows."""
        for s in range(self.problem.n_schools):
            ks = np.flatnonzero(self.pairs.pair_facility == s)
            if len(ks):
                self.school(s, ks)
        self.new_buses()
        if self.budget:
            self.side.row(
                [(c, float(cost)) for c, cost in self.budget],
                -np.inf,
                float(self.problem.investment.budget),
            )
        if self.problem.closed is not None:  # closed by an earlier timeline year: stays closed
            for s in np.flatnonzero(self.problem.closed).tolist():
                self.side.row([(s, 1.0)], -np.inf, 0.0)
        self.kindergarten_places()

    def school(self, s: int, ks: np.ndarray) -> None:
        """The rules of one school whose pairs are ``ks``."""
        tp = self.teaching_point(s)
        self.min_enrolment(s, ks, tp)
        if self.problem.classrooms[s] > 0:
            self.classes(s, ks, tp)
        self.lunch(s, ks[self.pairs.pair_lunch[ks]])
        self.beds(s, ks[self.pairs.pair_mode[ks] == Way.BOARD])

    def teaching_point(self, s: int) -> int | None:
        """A primary school may be kept small as a teaching point (its column)."""
        p, rules = self.problem, self.problem.school_rules
        if decided(p, s) == Decision.TEACHING_POINT:  # the planner's word (primary only)
            pass
        elif not (
            rules.teaching_points
            and rules.min_enrolment > 0
            and p.school_levels[s] == Level.PRIMARY
            and not p.must_keep[s]
        ):
            return None
        tp = self.side.var(0, 1)
        self.columns["tp"][(s,)] = tp
        self.side.row([(tp, 1.0), (s, -1.0)], -np.inf, 0.0)
        return tp

    def min_enrolment(self, s: int, ks: np.ndarray, tp: int | None) -> None:
        """A kept school that may close has the minimum enrolment, unless a teaching point."""
        p, rules = self.problem, self.problem.school_rules
        closable = p.may_close[s] and not p.must_keep[s] and p.moves.closures_allowed
        if not (
            rules.min_enrolment > 0
            and closable
            and p.school_levels[s] in rules.min_enrolment_levels
        ):
            return
        terms = self.load(ks, 1.0)
        terms.append((s, -float(rules.min_enrolment)))
        if tp is not None:
            terms.append((tp, float(rules.min_enrolment)))
        self.side.row(terms, 0.0, np.inf)

    def classes(self, s: int, ks: np.ndarray, tp: int | None) -> None:
        """Classes per band within the norm, in the rooms (plus those built), within the
        level's largest size."""
        p, invest, weights = self.problem, self.problem.investment, self.problem.weights
        tp_norm = p.school_rules.class_size[TEACHING_POINT]
        class_cols = []
        for b in np.unique(self.pairs.pair_band[ks]).tolist():
            kb = ks[self.pairs.pair_band[ks] == b]
            load = self.load(kb)
            norm = class_norm(p, BANDS[b])
            most = self.pupils(kb)
            col = self.side.var(0, math.ceil(most / min(norm, tp_norm)) + 1)
            self.columns["classes"][(s, b)] = col
            class_cols.append(col)
            self.side.row([(col, float(norm)), *load], 0.0, np.inf)
            if tp is not None:
                self.side.row(
                    [(col, float(tp_norm)), *load, (tp, -float(most))], -float(most), np.inf
                )
        rooms = self.side.var(
            0, invest.max_classrooms, cost=self.scale * weights.capital * invest.classroom_cost
        )
        self.columns["rooms"][(s,)] = rooms
        self.side.row([(rooms, 1.0), (s, -float(invest.max_classrooms))], -np.inf, 0.0)
        limit = p.room_limit(s)
        terms = [(c, 1.0) for c in class_cols] + [(rooms, -1.0)]
        extra = p.room_limit(s, teaching_point=True) - limit if tp is not None else 0
        if extra > 0:
            # Kept as a teaching point, its own pupils fit at the teaching-point norm;
            # those classes are for them: it then takes no more pupils than today.
            terms.append((tp, -float(extra)))
            most = float(self.pupils(ks))
            self.side.row(
                [*self.load(ks, 1.0), (tp, most)], -np.inf, float(p.today_pupils(s)) + most
            )
        self.side.row(terms, -np.inf, float(limit))
        most_classes = p.size_limit(s)
        if most_classes is not None:
            self.side.row([(c, 1.0) for c in class_cols], -np.inf, float(most_classes))
        self.budget.append((rooms, invest.classroom_cost))

    def lunch(self, s: int, lunch: np.ndarray) -> None:
        """Every bused or boarding pupil eats at school: ``sittings x seats >= pupils``."""
        if not len(lunch):
            return
        p, invest = self.problem, self.problem.investment
        sittings = p.school_rules.lunch_sittings
        most = math.ceil(self.pupils(lunch) / sittings)
        seats = self.side.var(
            0, most, cost=self.scale * p.weights.capital * invest.canteen_seat_cost
        )
        self.columns["seats"][(s,)] = seats
        self.side.row(
            [(seats, float(sittings)), *self.load(lunch)],
            -float(sittings * p.canteen_seats[s]),
            np.inf,
        )
        self.side.row([(seats, 1.0), (s, -float(most))], -np.inf, 0.0)
        self.budget.append((seats, invest.canteen_seat_cost))

    def beds(self, s: int, board: np.ndarray) -> None:
        """Boarders within the beds (plus those built)."""
        if not len(board):
            return
        p, invest = self.problem, self.problem.investment
        most = self.pupils(board)
        beds = self.side.var(0, most, cost=self.scale * p.weights.capital * invest.bed_cost)
        self.columns["beds"][(s,)] = beds
        self.side.row([(beds, 1.0), *self.load(board)], -float(p.boarding_beds[s]), np.inf)
        self.side.row([(beds, 1.0), (s, -float(most))], -np.inf, 0.0)
        self.budget.append((beds, invest.bed_cost))

    def new_buses(self) -> None:
        """Bused pupils within the seats of the buses the plan may add (seats alone: the
        routes may need more buses, which the plan then reports)."""
        most_buses = self.problem.bus.max_new_buses
        bused = np.flatnonzero(self.pairs.pair_bus)
        if most_buses and len(bused):
            self.side.row(
                self.load(bused, 1.0), -np.inf, float(most_buses * self.problem.bus.seats)
            )

    def kindergarten_places(self) -> None:
        """Kept public places >= the public share of kept places; inclusive places >=
        the inclusive share, a kept private kindergarten made inclusive by a subsidy."""
        p, rules = self.problem, self.problem.school_rules
        kindergartens = [s for s in range(p.n_schools) if p.school_levels[s] == Level.KINDERGARTEN]
        if not kindergartens:
            return
        offered = [places(p, s) for s in kindergartens]
        share = rules.kindergarten_public_share
        if share > 0:
            self.side.row(
                [
                    (s, (float(p.public[s]) - share) * n)
                    for s, n in zip(kindergartens, offered, strict=True)
                ]
                + self.built(kindergartens, p.public, share),
                0.0,
                np.inf,
            )
        share = rules.kindergarten_inclusive_share
        if share > 0:
            terms = [
                (s, (float(p.inclusive[s]) - share) * n)
                for s, n in zip(kindergartens, offered, strict=True)
            ]
            for s, n in zip(kindergartens, offered, strict=True):
                if not p.inclusive[s]:
                    cost = self.scale * n * p.investment.inclusive_subsidy_per_place
                    subsidy = self.side.var(0, 1, cost=cost)
                    self.columns["subsidy"][(s,)] = subsidy
                    self.side.row([(subsidy, 1.0), (s, -1.0)], -np.inf, 0.0)
                    terms.append((subsidy, float(n)))
            self.side.row(terms + self.built(kindergartens, p.inclusive, share), 0.0, np.inf)

    def built(
        self, kindergartens: list[int], flag: np.ndarray, share: float
    ) -> list[tuple[int, float]]:
        """Places of added classrooms, by kind (private ones are not made inclusive)."""
        room_places = self.problem.school_rules.class_size[Level.KINDERGARTEN]
        return [
            (self.columns["rooms"][(s,)], (float(flag[s]) - share) * room_places)
            for s in kindergartens
            if (s,) in self.columns["rooms"]
        ]
