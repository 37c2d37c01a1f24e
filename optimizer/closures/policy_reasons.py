"""Why the county's closure policy leaves no plan: the rule at fault, in words.

Two kinds of reason (:mod:`optimizer.closures.explanations` gives those of capacity
and journeys):

- counts that cannot agree, found before any solve (:func:`policy_conflicts`): a
  target of closures above the schools the policy lets close, the planner's ``close``
  decisions above the cap or the target, a township whose every school of a kept level
  the planner closes;
- a rule of the policy that, lifted alone, gives a plan (:data:`POLICY_RELAXATIONS`,
  tried by :func:`~optimizer.closures.explanations.contradictions`).
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from optimizer.plan import Decision
from optimizer.problem.closing import forced_open, township_groups
from optimizer.problem.data import Problem

#: Rules of the closure policy that can leave no plan: their words, the setting, the
#: ClosingPolicy field and its lifted value (tried one at a time).
POLICY_RELAXATIONS = (
    ("the target of closures", "policy.closures.target_closures", "target_closures", None),
    ("the cap on closures", "policy.closures.max_closures", "max_closures", None),
    ("the township rule", "policy.closures.township_keeps", "township_keeps", frozenset()),
    ("the planner's decisions", "decisions", "decisions", MappingProxyType({})),
    ("the family rule", "policy.closures.families_together", "families_together", False),
    (
        "the boarding rule",
        "policy.closures.board_only_when_needed",
        "board_only_when_needed",
        False,
    ),
    (
        "the rule of no capital below the small-scale size",
        "policy.closures.no_capital_below_small",
        "no_capital_below_small",
        False,
    ),
)


def policy_conflicts(problem: Problem, *, relax: bool = False) -> list[str]:
    """The closure policy's counts that cannot agree, in words (none: maybe a plan).

    ``relax`` (``schoolplan assess``) leaves out the townships and the cap, as the
    closure model then does.
    """
    closing = problem.closing
    closable = [s for s, kept in enumerate(forced_open(problem).tolist()) if not kept]
    closed = [s for s, d in sorted(closing.decisions.items()) if d == Decision.CLOSE]
    names = ", ".join(problem.school_ids[s] for s in closed)
    reasons = []
    target, cap = closing.target_closures, closing.max_closures
    if not relax and target is not None and target > len(closable):
        reasons.append(
            f"policy.closures.target_closures = {target} asks for more closures than the "
            f"closure policy allows: only {_schools(len(closable))} may close (closure "
            "candidates under policy.closures, may_close, not must_keep, no planner's keep); "
            "lower the target or widen the candidates (policy.closures.small_school_pupils, "
            "listed)"
        )
    for key, most in (("max_closures", cap), ("target_closures", target)):
        if not relax and most is not None and len(closed) > most:
            reasons.append(
                f"the planner's decisions close {_schools(len(closed))} ({names}), more than "
                f"policy.closures.{key} = {most}; raise it or keep some of them"
            )
    for town, level, schools in township_groups(problem) if not relax else []:
        if all(closing.decisions.get(s) == Decision.CLOSE for s in schools):
            reasons.append(
                f"township {town} keeps an open {level.value} school "
                f"(policy.closures.township_keeps), but the planner's decisions close every "
                f"one it has ({', '.join(problem.school_ids[s] for s in schools)}); keep one "
                "of them or lift the township rule"
            )
    return reasons


def _schools(n: int) -> str:
    return f"{n} school" if n == 1 else f"{n} schools"


def lifted_policy(problem: Problem, field: str, lifted: object) -> Problem | None:
    """The Problem with one rule of the closure policy lifted (``None``: already off)."""
    if getattr(problem.closing, field) == lifted:
        return None
    return dataclasses.replace(
        problem, closing=dataclasses.replace(problem.closing, **{field: lifted})
    )


__all__ = ["POLICY_RELAXATIONS", "lifted_policy", "policy_conflicts"]
