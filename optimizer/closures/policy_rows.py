"""The closure model's rows of the county's closure policy (:mod:`optimizer.problem.closing`).

Written after the side rules (:class:`~optimizer.closures.side_rules.SideRules`), in a
fixed order, each rule only where its switch is on:

- the planner's decisions: ``close`` -> ``open_s = 0``; ``teaching_point`` -> ``tp_s = 1``;
  ``keep`` -> ``tp_s = 0`` (``open_s = 1`` is the facility core's forced opening);
- townships: per township and kept level, ``sum open_s (- tp_s for primary) >= 1`` over
  its schools of that level (:func:`~optimizer.problem.closing.township_groups`);
- families: per village and school, ``x(p13, s) = x(p46, s)`` (a missing pair is 0);
- boarding only when needed: per boarding pair ``k`` of a village band whose day
  schools are ``T``: ``sum_{t in T} open_t + |T| x_k <= |T|``;
- no capital below the small-scale size: per school with classroom or bed columns a
  binary ``z_s``, each such column ``<= upper * z_s`` and pupils at ``s >= small * z_s``;
- the cap and the target: ``sum open_s >= S - max_closures`` (``= S - target``).

The ``relax`` flag (``schoolplan assess``) leaves out the rules a proposal is judged by
rather than held to: townships and the cap.
"""

from __future__ import annotations

import numpy as np

from geodata.kinds import BANDS, Band, Level
from optimizer.closures.side_rules import SideRules
from optimizer.plan import Decision
from optimizer.problem.closing import township_groups
from optimizer.problem.numbers import Way


def write_policy_rows(rules: SideRules, *, relax: bool = False) -> None:
    """Every row of the closure policy, in a fixed order."""
    closing = rules.problem.closing
    decisions(rules)
    if not relax:
        townships(rules)
    if closing.families_together:
        families(rules)
    if closing.board_only_when_needed:
        boarding_when_needed(rules)
    if closing.no_capital_below_small:
        no_capital_below_small(rules)
    if not relax:
        closures_cap(rules)


def decisions(rules: SideRules) -> None:
    """The planner's word: closed schools closed, teaching points kept as such."""
    for s, decision in sorted(rules.problem.closing.decisions.items()):
        tp = rules.columns["tp"].get((s,))
        if decision == Decision.CLOSE:
            rules.side.row([(s, 1.0)], 0.0, 0.0)
        elif tp is not None:
            bound = 1.0 if decision == Decision.TEACHING_POINT else 0.0
            rules.side.row([(tp, 1.0)], bound, bound)


def townships(rules: SideRules) -> None:
    """At least one open school of each kept level per township (a complete primary:
    open and no teaching point)."""
    for _town, level, schools in township_groups(rules.problem):
        terms = [(s, 1.0) for s in schools]
        if level == Level.PRIMARY:
            terms += [
                (rules.columns["tp"][(s,)], -1.0) for s in schools if (s,) in rules.columns["tp"]
            ]
        rules.side.row(terms, 1.0, np.inf)


def families(rules: SideRules) -> None:
    """Grades 1-3 and 4-6 of a village at one school."""
    pairs = rules.pairs
    p13, p46 = BANDS.index(Band.P13), BANDS.index(Band.P46)
    index = {c: k for k, c in enumerate(pairs.customers)}
    for v in range(rules.problem.n_villages):
        young, old = index.get((v, p13)), index.get((v, p46))
        if young is None or old is None:
            continue
        by_school: dict[int, list[tuple[int, float]]] = {}
        for c, sign in ((young, 1.0), (old, -1.0)):
            for k in np.flatnonzero(pairs.pair_customer == c).tolist():
                by_school.setdefault(int(pairs.pair_facility[k]), []).append((rules.x(k), sign))
        for s in sorted(by_school):
            rules.side.row(by_school[s], 0.0, 0.0)


def boarding_when_needed(rules: SideRules) -> None:
    """A village band boards only where none of its day schools stays open."""
    pairs = rules.pairs
    board = pairs.pair_mode == Way.BOARD
    for k in np.flatnonzero(board).tolist():
        c = pairs.pair_customer[k]
        day = np.flatnonzero((pairs.pair_customer == c) & ~board)
        if not len(day):
            continue
        n = float(len(day))
        terms = [(int(pairs.pair_facility[t]), 1.0) for t in day.tolist()]
        rules.side.row([*terms, (rules.x(k), n)], -np.inf, n)


def no_capital_below_small(rules: SideRules) -> None:
    """Classrooms and beds only at a school with the small-scale size (canteen seats stay:
    lunch is guaranteed to every bused pupil)."""
    p, side = rules.problem, rules.side
    least = float(p.closing.small_school_pupils)
    for s in range(p.n_schools):
        cols = [
            rules.columns[kind][(s,)] for kind in ("rooms", "beds") if (s,) in rules.columns[kind]
        ]
        if not cols or least <= 0:
            continue
        invested = side.var(0, 1)
        for col in cols:
            side.row([(col, 1.0), (invested, -side.upper[col - side.first])], -np.inf, 0.0)
        ks = np.flatnonzero(rules.pairs.pair_facility == s)
        side.row([*rules.load(ks, 1.0), (invested, -least)], 0.0, np.inf)


def closures_cap(rules: SideRules) -> None:
    """At most ``max_closures`` schools closed; exactly ``target_closures`` if set."""
    closing, n = rules.problem.closing, rules.problem.n_schools
    every = [(s, 1.0) for s in range(n)]
    if closing.max_closures is not None:
        rules.side.row(every, float(n - closing.max_closures), np.inf)
    if closing.target_closures is not None:
        rules.side.row(
            every, float(n - closing.target_closures), float(n - closing.target_closures)
        )
