"""The county's closure policy as numbers, and the model-side home of its rules.

Built once by :func:`closing_policy` from the scenario (``policy.closures`` and the
top-level ``decisions``) and carried by the Problem as ``closing``. The rules here are
what the closure model and the planning flow ask; the verifier keeps its own re-check
(:mod:`optimizer.verification.closure_policy`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from geodata.kinds import Level
from optimizer.plan import Decision

if TYPE_CHECKING:
    from optimizer.problem.data import Problem


@dataclass(frozen=True)
class ClosingPolicy:
    """Which schools may close, what every township keeps, and the planner's decisions.

    Attributes
    ----------
    towns
        ``S`` each school's township (the schools table's ``town``; ``""``: none named).
    central
        ``S`` the data marks the school as its township's central one.
    flagged
        ``S`` the data's ``condition`` makes the school a candidate.
    listed
        ``S`` the planner lists the school as a candidate.
    enrolment_today, enrolment_horizon
        ``S`` pupils at each school today and, if nobody moved, in the horizon year.
    decisions
        The planner's word, school index -> :class:`~optimizer.plan.Decision`.
    candidates_only, small_school_pupils, shrinking_share
        The candidate rule (off: every school with ``may_close`` may close).
    township_keeps
        Levels each township keeps one open school of (kindergarten: a public one).
    families_together, board_only_when_needed, no_capital_below_small
        The switches of the family, boarding and investment rules.
    boarding_max_m
        Boarders live at most this far, road metres (``None``: no limit).
    max_closures, target_closures
        Cap and target on the number of schools closed (``None``: none).
    """

    towns: tuple[str, ...]
    central: np.ndarray
    flagged: np.ndarray
    listed: np.ndarray
    enrolment_today: np.ndarray
    enrolment_horizon: np.ndarray
    decisions: Mapping[int, Decision]
    candidates_only: bool = True
    small_school_pupils: int = 100
    shrinking_share: float | None = 0.2
    township_keeps: frozenset[Level] = frozenset({Level.KINDERGARTEN, Level.PRIMARY})
    families_together: bool = True
    board_only_when_needed: bool = True
    boarding_max_m: float | None = None
    no_capital_below_small: bool = True
    max_closures: int | None = None
    target_closures: int | None = None


def unrestricted(n_schools: int) -> ClosingPolicy:
    """The policy of a Problem built without one: every rule off (the models of old)."""
    none = np.zeros(n_schools, dtype=bool)
    return ClosingPolicy(
        towns=("",) * n_schools,
        central=none,
        flagged=none,
        listed=none,
        enrolment_today=np.zeros(n_schools, dtype=np.int64),
        enrolment_horizon=np.zeros(n_schools, dtype=np.int64),
        decisions=MappingProxyType({}),
        candidates_only=False,
        township_keeps=frozenset(),
        families_together=False,
        board_only_when_needed=False,
        no_capital_below_small=False,
    )


def small(closing: ClosingPolicy, s: int) -> bool:
    """Small-scale: fewer than ``small_school_pupils`` today or in the horizon year."""
    least = min(int(closing.enrolment_today[s]), int(closing.enrolment_horizon[s]))
    return least < closing.small_school_pupils


def shrinking(closing: ClosingPolicy, s: int) -> bool:
    """Enrolment projected to fall by more than ``shrinking_share`` over the horizon."""
    share, today = closing.shrinking_share, int(closing.enrolment_today[s])
    if share is None or today == 0:
        return False
    return (today - int(closing.enrolment_horizon[s])) / today > share


def candidate(closing: ClosingPolicy, s: int) -> bool:
    """A closure candidate: small-scale, shrinking, flagged or listed (or no candidate rule)."""
    if not closing.candidates_only:
        return True
    return small(closing, s) or shrinking(closing, s) or closing.flagged[s] or closing.listed[s]


def forced_open(problem: Problem) -> np.ndarray:
    """``S`` schools the closure model must keep: must_keep, not may_close, no candidate,
    or no closures at all; a planner's decision wins (keep or teaching point: open;
    close: not forced)."""
    p, closing = problem, problem.closing
    kept = p.must_keep | ~p.may_close | (not p.moves.closures_allowed)
    kept = kept | ~np.array([candidate(closing, s) for s in range(p.n_schools)], dtype=bool)
    kept = kept.copy()
    for s, decision in closing.decisions.items():
        kept[s] = decision != Decision.CLOSE
    return kept


def decided(problem: Problem, s: int) -> Decision | None:
    """The planner's decision on school ``s``, if any."""
    return problem.closing.decisions.get(s)


def township_groups(problem: Problem) -> list[tuple[str, Level, tuple[int, ...]]]:
    """``(town, level, schools)`` of each township and kept level: the schools any one of
    which, kept open, serves the township at that level (kindergarten: public ones; the
    central ones alone where the data marks one; primary: primary or nine-year; junior:
    junior or nine-year). Townships without such a school today are left out."""
    p, closing = problem, problem.closing
    accepted = {
        Level.KINDERGARTEN: (Level.KINDERGARTEN,),
        Level.PRIMARY: (Level.PRIMARY, Level.NINE_YEAR),
        Level.JUNIOR: (Level.JUNIOR, Level.NINE_YEAR),
    }
    out = []
    for town in sorted({t for t in closing.towns if t}):
        for level in sorted(closing.township_keeps):
            schools = [
                s
                for s in range(p.n_schools)
                if closing.towns[s] == town
                and p.school_levels[s] in accepted[level]
                and (level != Level.KINDERGARTEN or p.public[s])
            ]
            central = [s for s in schools if closing.central[s]]
            if central:
                schools = central
            if schools:
                out.append((town, level, tuple(schools)))
    return out


__all__ = [
    "ClosingPolicy",
    "candidate",
    "decided",
    "forced_open",
    "shrinking",
    "small",
    "township_groups",
    "unrestricted",
]
