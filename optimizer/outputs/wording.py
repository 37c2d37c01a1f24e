"""Numbers put into words the way each language writes them.

Counts carry their measure word in Chinese (``47 名学生``, ``3 所学校``, ``2 辆校车``,
``5 条线路``, ``12 个站点``), money is in yuan in English and in 万元 (ten thousand
yuan) in Chinese, investments read ``教室 6 间`` rather than a Python dict, the solver
runs and the closure checklist are written in the output's language. Every function
takes a language's labels (:func:`optimizer.outputs.labels.labels`) and reads only the
plan's records.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from optimizer.outputs.html_parts import number
from optimizer.outputs.money_view import WORDS, amount
from optimizer.plan import Plan, SolverRun, VetoCheck, built_first

#: Yuan per unit of money shown: 1 in English, 10,000 (万) in Chinese.
_MONEY_UNIT = {"yuan": 1, "万元": 10_000}


def count(text: Mapping[str, str], unit: str, n: float | None, digits: int = 0) -> str:
    """``n`` of ``unit`` (pupils, stops, villages, schools, buses, routes, seats, classes,
    min, km, m) with its measure word: ``47 pupils`` / ``47 名学生``."""
    return text[f"count.{unit}"].format(n=number(n, digits))


def money_value(text: Mapping[str, str], yuan: float | None) -> str:
    """An amount of yuan as a number in the language's money unit (``480`` for 4.8 million
    yuan in 万元); up to two decimals, none when whole."""
    if yuan is None or not math.isfinite(yuan):
        return "-"
    scale = _MONEY_UNIT[text["money_unit"]]
    if scale == 1:
        return number(yuan)
    shown = f"{yuan / scale:,.2f}".rstrip("0").rstrip(".")
    return "0" if shown in ("-0", "") else shown


def money(text: Mapping[str, str], yuan: float | None, *, per_year: bool = False) -> str:
    """``4,800,000 yuan`` / ``480 万元`` (``/year``, ``/年`` with ``per_year``)."""
    return text["money_year" if per_year else "money"].format(n=money_value(text, yuan))


def investment(text: Mapping[str, str], units: Mapping[str, int]) -> str:
    """Units a school gains, in words: ``6 classrooms, 40 canteen seats`` /
    ``教室 6 间、食堂座位 40 个`` (keys sorted; a key without words shows as it is)."""
    parts = []
    for key, n in sorted(units.items()):
        if not n:
            continue
        form = text.get(f"invest_n.{key}")
        parts.append(form.format(n=number(n)) if form else f"{key} {n}")
    return text["list_sep"].join(parts)


def solver_stage(text: Mapping[str, str], stage: str) -> str:
    """``buses P01`` -> ``校车线路 P01``: the stage's words, its school ids kept."""
    return " ".join(text.get(f"solver.stage.{word}", word) for word in stage.split(" "))


def solver_engine(text: Mapping[str, str], engine: str) -> str:
    """``scipy 1.17.1 milp (HiGHS)`` -> ``scipy 1.17.1 混合整数规划 (HiGHS)``: the method's
    words translated; product names and versions kept."""
    return re.sub(
        r"[A-Za-z][\w-]*", lambda m: text.get(f"solver.word.{m.group(0)}", m.group(0)), engine
    )


def solver_status(text: Mapping[str, str], run: SolverRun) -> str:
    """``OPTIMAL`` -> ``最优解``; an unknown status shows as it is."""
    return text.get(f"solver.status.{run.status}", run.status)


def veto_detail(text: Mapping[str, str], plan: Plan, check: VetoCheck, language: str = "en") -> str:
    """The detail of one checklist item, written from the plan's records in the language.

    The figures are the ones the planner checked (pupils moved from the closed school,
    their longest daily journey, those over their limit; pupils on buses; the receiving
    schools, what is built first, their classes against the norm). An item without words
    keeps the planner's own detail.
    """
    moved = [a for a in plan.assignments if a.before_school == check.school and a.moved]
    daily = [a for a in moved if a.mode != "board"]
    receivers = sorted({a.school for a in moved})
    by_id = {s.id: s for s in plan.schools}
    sep = text["clause_sep"]
    if check.item == "journey":
        return text["veto.journey"].format(
            moved=number(sum(a.pupils for a in moved)),
            longest=number(max((a.time_s for a in daily), default=0) / 60, 1),
            over=number(sum(a.pupils for a in daily if a.over_limit)),
        )
    if check.item == "transport safety":
        bused = sum(a.pupils for a in moved if a.mode == "bus")
        return text["veto.transport"].format(bused=number(bused))
    if check.item == "dining and boarding":
        # What is built before the closure (optimizer.plan.built_first): no yearly subsidy.
        builds = {r: built_first(by_id[r].investment) for r in receivers if r in by_id}
        built = [
            f"{r} {investment(text, units)}" for r, units in builds.items() if any(units.values())
        ]
        tail = (
            text["veto.build"].format(items=sep.join(built))
            if built
            else text["veto.nothing_to_build"]
        )
        return text["veto.receiving"].format(schools=text["list_sep"].join(receivers)) + sep + tail
    if check.item == "school and class size":
        return sep.join(
            text["veto.size"].format(
                school=r,
                classes=by_id[r].classes_after,
                largest=by_id[r].largest_class_after,
                norm=by_id[r].class_norm,
            )
            for r in receivers
            if r in by_id
        )
    if check.item == "parents and representatives":
        return text["veto.hearing"]
    reason = next((r for r in plan.reasons if r.school == check.school), None)
    if check.item == "closing pays" and reason is not None:
        return text["veto.pays"].format(
            saving=amount(reason.saving, language),
            added=amount(reason.added_cost, language),
            minutes=number(reason.added_pupil_min),
            buses=number(reason.buses),
            boarders=number(reason.boarders),
            keep=amount(reason.keep_open_cost, language),
            how=WORDS[language][reason.keep_open.value],
        )
    return check.detail
