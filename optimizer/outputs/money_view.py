"""The report's money and reasons: the annual net saving, capital by item and year, the
payback, the reason of every closure and of every boarding or over-limit placement.

Reads the plan's ``kpis["money"]`` (:mod:`optimizer.planning.accounts`) and its
reasons. English figures are in yuan; Chinese ones in 万元 (ten thousand yuan).
"""

from __future__ import annotations

from collections.abc import Mapping

from optimizer.outputs.html_parts import e, number, t, table
from optimizer.outputs.labels import term
from optimizer.plan import Plan
from optimizer.reasons import ClosureReason, PlacementReason

#: Rows of the money table: key of kpis["money"] and its words (en, zh).
MONEY_ROWS = (
    ("running_cost_saved", "Running cost of the closed schools", "关停学校的运行经费"),
    (
        "teacher_cost_moved",
        "of which teachers' pay, redeployed (not saved)",
        "其中随教师调配的工资（不计节省）",
    ),
    ("saved", "Running cost saved", "节省运行经费"),
    ("bus_fixed", "New buses, fixed cost", "新增校车固定费用"),
    ("bus_km_cost", "New buses, per km (morning and afternoon)", "新增校车里程费用（早晚班）"),
    ("lunch_subsidy", "Lunch subsidies", "午餐补助"),
    ("boarding_subsidy", "Boarding subsidies", "寄宿补助"),
    ("inclusive_subsidy", "Inclusive kindergarten subsidies", "普惠性幼儿园补助"),
    ("net_annual_saving", "Annual net saving", "年度净节省"),
)
WORDS = {
    "en": {
        "money": "Money: annual net saving and capital",
        "unit": "yuan/year",
        "capital_unit": "yuan",
        "capital": "Capital by item",
        "year": "Capital by year (build first, close after)",
        "payback": "Payback",
        "years": "years",
        "never": "never (the plan saves nothing a year)",
        "reasons": "Why each school closes",
        "head": (
            "School",
            "Saves (yuan/year)",
            "Adds (yuan/year)",
            "Pupil-minutes a day more",
            "Pupils moved",
            "Boarders",
            "Buses",
            "Keeping it open costs (yuan/year)",
        ),
        "bound": "at most",
        "resolved": "solved again",
        "placements": "Why not the nearer school (boarding and journeys over the limit)",
        "phead": ("Village", "Band", "School", "Nearer school", "Why not", "Detail"),
    },
    "zh": {
        "money": "经费：年度净节省与投资",
        "unit": "万元/年",
        "capital_unit": "万元",
        "capital": "分项投资",
        "year": "分年投资（先建后撤）",
        "payback": "投资回收期",
        "years": "年",
        "never": "无（方案每年不节省经费）",
        "reasons": "每所学校撤并的理由",
        "head": (
            "学校",
            "节省（万元/年）",
            "新增（万元/年）",
            "每日增加的学生路程（人·分钟）",
            "转学学生",
            "寄宿生",
            "校车",
            "保留该校的代价（万元/年）",
        ),
        "bound": "至多",
        "resolved": "重新求解",
        "placements": "为何不去更近的学校（寄宿和超时路程）",
        "phead": ("村", "学段", "学校", "更近的学校", "原因", "说明"),
    },
}
#: The detail of a placement reason, per language, from its numbers.
WHY_DETAIL = {
    "en": {
        "closed": "{nearer} closes ({minutes} min away)",
        "full": "{nearer} holds {pupils} of {places} places",
        "over_limit": "{nearer} is {minutes} min away, over the {limit}-min limit",
        "dearer": "{nearer} ({minutes} min) costs the plan more",
        "none": "",
    },
    "zh": {
        "closed": "{nearer}撤并（路程{minutes}分钟）",
        "full": "{nearer}已有{pupils}名学生，学位数{places}个",
        "over_limit": "{nearer}路程{minutes}分钟，超过{limit}分钟时限",
        "dearer": "{nearer}（路程{minutes}分钟）使方案总成本更高",
        "none": "",
    },
}


def placement_detail(p: PlacementReason, language: str) -> str:
    """A placement reason's detail in ``language``'s words, from its numbers."""
    return WHY_DETAIL[language][p.why.value].format(
        nearer=p.nearer,
        minutes=p.nearer_min,
        limit=p.limit_min,
        pupils=p.nearer_pupils,
        places=p.nearer_places,
    )


WHY = {
    "en": {
        "closed": "closed",
        "full": "full",
        "over_limit": "over the limit",
        "dearer": "costs the plan more",
        "none": "no nearer school",
    },
    "zh": {
        "closed": "撤并",
        "full": "学位已满",
        "over_limit": "超过时限",
        "dearer": "方案总成本更高",
        "none": "无更近的学校",
    },
}


def amount(yuan: float, language: str) -> str:
    """Yuan, or 万元 in Chinese (one decimal; a rounded -0.0 shows as 0.0)."""
    return number(round(yuan / 10_000, 1) + 0.0, 1) if language == "zh" else number(yuan)


#: How the closure model priced the buses it decided on, per language.
ESTIMATE_WORDS = {
    "en": {
        "routed": (
            "The closure model priced each bused pupil's seat with a first plan's routes: "
            "buses {fill} % full, {factor} times the km from the villages to the schools "
            "(policy.money.bus_estimate_from_routes). Its estimate of this plan's buses is "
            "{estimate} yuan/year; the routes cost {routed} yuan/year."
        ),
        "plain": (
            "The closure model priced each bused pupil's seat as a full bus's share of its "
            "cost and of the km from the village to the school. Its estimate of this plan's "
            "buses is {estimate} yuan/year; the routes cost {routed} yuan/year."
        ),
    },
    "zh": {
        "routed": (
            "撤并模型按首轮方案的校车线路估算每名乘车学生的校车费用：满载率{fill}%，"
            "行驶里程为村到学校距离的{factor}倍。本方案校车费用估算{estimate}万元/年，"
            "按线路实算{routed}万元/年。"
        ),
        "plain": (
            "撤并模型按满载校车分摊固定费用和村到学校的里程估算每名乘车学生的校车费用。"
            "本方案校车费用估算{estimate}万元/年，按线路实算{routed}万元/年。"
        ),
    },
}


def bus_estimate_note(money: Mapping[str, object], language: str) -> str:
    """How the closure model priced the buses, beside what the routes cost."""
    fill, factor = float(money["bus_fill"]), float(money["route_km_factor"])
    key = "plain" if (fill, factor) == (1.0, 1.0) else "routed"
    return ESTIMATE_WORDS[language][key].format(
        fill=number(round(100 * fill), 0),
        factor=number(factor, 2),
        estimate=amount(float(money["bus_estimate"]), language),
        routed=amount(float(money["bus_fixed"]) + float(money["bus_km_cost"]), language),
    )


def money_section(plan: Plan, text: Mapping[str, str], language: str) -> str:
    """The money table, capital by item and year, and the payback."""
    money = plan.kpis.get("money")
    if not money:
        return ""
    w = WORDS[language]
    col = 2 if language == "zh" else 1
    rows = [[t(row[col]), (e(amount(money[row[0]], language)), "n")] for row in MONEY_ROWS]
    rows += [
        [t(f"{w['capital']}: {term(text, 'invest', item)}"), (e(amount(v, language)), "n")]
        for item, v in money["capital_by_item"].items()
    ]
    rows += [
        [t(f"{w['year']}: {year}"), (e(amount(v, language)), "n")]
        for year, v in money["capital_by_year"].items()
    ]
    payback = money["payback_years"]
    rows.append([t(w["payback"]), t(w["never"] if payback is None else f"{payback} {w['years']}")])
    head = ["", e(f"{w['unit']} / {w['capital_unit']}")]
    note = ""
    keys = ("bus_estimate", "bus_fill", "route_km_factor", "bus_fixed", "bus_km_cost")
    if all(k in money for k in keys) and money["bus_fixed"] + money["bus_km_cost"] > 0:
        note = f"<p>{e(bus_estimate_note(money, language))}</p>\n"
    return f"<h2>{e(w['money'])}</h2>\n{table(head, rows)}\n{note}" + _reasons(plan, text, language)


def closure_reason_cells(reason: ClosureReason, language: str) -> list[tuple[str, str]]:
    """The reason of one closure as (heading, value) pairs, as the report's table shows it
    (the web map's popup of the closed school shows the same words and numbers)."""
    w = WORDS[language]
    values = (
        amount(reason.saving, language),
        amount(reason.added_cost, language),
        number(reason.added_pupil_min),
        number(reason.pupils_moved),
        number(reason.boarders),
        number(reason.buses),
        f"{w[reason.keep_open.value]} {amount(reason.keep_open_cost, language)}",
    )
    return list(zip(w["head"][1:], values, strict=True))


def _reasons(plan: Plan, text: Mapping[str, str], language: str) -> str:
    """The reason of each closure and of each boarding or over-limit placement."""
    w = WORDS[language]
    rows = [
        [t(r.school), *((e(value), "n") for _, value in closure_reason_cells(r, language))]
        for r in plan.reasons
    ]
    out = f"<h2>{e(w['reasons'])}</h2>\n{table([e(h) for h in w['head']], rows)}\n"
    placed = [
        [
            t(p.village),
            t(term(text, "band", p.band)),
            t(p.school),
            t(p.nearer or "-"),
            t(WHY[language][p.why.value]),
            t(placement_detail(p, language)),
        ]
        for p in plan.placements
    ]
    if placed:
        out += f"<h2>{e(w['placements'])}</h2>\n{table([e(h) for h in w['phead']], placed)}\n"
    return out
