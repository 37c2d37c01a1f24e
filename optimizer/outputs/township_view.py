"""The report's township section: what the plan does in each town, and the county total.

One row per town of the plan's township summary (:class:`~optimizer.towns.Township`):
schools today and after in all and per level, pupils moved and newly bused, buses
(runs), the longest daily journey per band, the running cost saved, the annual net
saving and the capital (yuan in English, 万元 in Chinese), in two tables (schools and
pupils; journeys and money) each closed by the county's total, summed from the towns (it
equals the summary's figures). Nothing when no town is named.
"""

from __future__ import annotations

from collections.abc import Mapping

from geodata.kinds import BANDS, LEVELS
from optimizer.outputs.html_parts import e, n, number, t, table
from optimizer.outputs.labels import term
from optimizer.outputs.wording import money_value
from optimizer.plan import Plan
from optimizer.towns import Township

#: The section's words, per language.
WORDS = {
    "en": {
        "title": "Townships",
        "note": (
            "Pupils are counted in the town of their village; buses and runs in the town of "
            "the school they go to (a bus by its first run); money where the schools are."
        ),
        "town": "Township",
        "no_town": "(no township named)",
        "total": "County",
        "schools": "Schools today → after",
        "moved": "Pupils moved",
        "bused": "Newly bused",
        "buses": "Buses (runs)",
        "longest": "Longest daily journey, min",
        "saved": "Running cost saved",
        "net": "Annual net saving",
        "capital": "Capital, new buses included",
    },
    "zh": {
        "title": "各乡镇（街道）汇总",
        "note": (
            "学生按所在村庄的乡镇（街道）统计；校车和班次按接收学校所在乡镇统计"
            "（每辆校车按其第一个班次计）；经费按学校所在乡镇统计。"
        ),
        "town": "乡镇/街道",
        "no_town": "（未注明乡镇）",
        "total": "全县合计",
        "schools": "学校数（调整前→调整后）",
        "moved": "转学学生",
        "bused": "新增乘校车",
        "buses": "校车（班次）",
        "longest": "最长每日单程（分钟）",
        "saved": "节省运行经费",
        "net": "年度净节省",
        "capital": "所需投资（含新增校车）",
    },
}


def township_section(plan: Plan, text: Mapping[str, str], language: str) -> str:
    """The section's HTML (``""`` for a plan without townships)."""
    if not plan.townships:
        return ""
    w = WORDS[language]
    levels = [lv for lv in LEVELS if any(lv in x.schools_before for x in plan.townships)]
    bands = [b for b in BANDS if any(b in x.longest_journey_s for x in plan.townships)]
    unit = f" ({text['money_unit']})" if language == "en" else f"（{text['money_unit']}）"
    people = [
        e(w["town"]),
        e(w["schools"]),
        *(e(term(text, "level", lv)) for lv in levels),
        e(w["moved"]),
        e(w["bused"]),
        e(w["buses"]),
    ]
    journeys = [
        e(w["town"]),
        *(e(f"{w['longest']} · {term(text, 'band', b)}") for b in bands),
        e(w["saved"] + unit),
        e(w["net"] + unit),
        e(w["capital"] + unit),
    ]
    towns = [(x, x.town or w["no_town"]) for x in plan.townships]
    towns.append((_total(plan.townships), w["total"]))
    rows = [_row(x, name, levels, bands, text) for x, name in towns]
    split = 2 + len(levels) + 3  # the first table's cells: town, schools, levels, pupils, buses
    return (
        f"<h2>{e(w['title'])}</h2>\n<p>{e(w['note'])}</p>\n"
        + table(people, (r[:split] for r in rows))
        + "\n"
        + table(journeys, ([r[0], *r[split:]] for r in rows))
    )


def _row(x: Township, name: str, levels: list, bands: list, text: Mapping[str, str]) -> list:
    def change(before: int, after: int) -> tuple[str, str]:
        return e(f"{number(before)} → {number(after)}"), "n"

    return [
        t(name),
        change(sum(x.schools_before.values()), sum(x.schools_after.values())),
        *(
            change(x.schools_before[lv], x.schools_after.get(lv, 0))
            if lv in x.schools_before
            else (e("-"), "n")
            for lv in levels
        ),
        n(x.pupils_moved),
        n(x.pupils_newly_bused),
        (e(f"{number(x.buses)} ({number(x.runs)})"), "n"),
        *(n(x.longest_journey_s[b] / 60, 1) if b in x.longest_journey_s else t("-") for b in bands),
        (e(money_value(text, x.running_cost_saved)), "n"),
        (e(money_value(text, x.net_annual_saving)), "n"),
        (e(money_value(text, x.capital)), "n"),
    ]


def _total(towns: tuple[Township, ...]) -> Township:
    """The county as the sum of its towns (the longest journeys: the longest of any)."""

    def summed(key: str) -> dict:
        out: dict = {}
        for x in towns:
            for k, v in getattr(x, key).items():
                out[k] = out.get(k, 0) + v
        return out

    longest: dict = {}
    for x in towns:
        for b, s in x.longest_journey_s.items():
            longest[b] = max(longest.get(b, 0), s)
    return Township(
        town="",
        schools_before=summed("schools_before"),
        schools_after=summed("schools_after"),
        schools_closed=sum(x.schools_closed for x in towns),
        villages=sum(x.villages for x in towns),
        pupils=sum(x.pupils for x in towns),
        pupils_moved=sum(x.pupils_moved for x in towns),
        pupils_newly_bused=sum(x.pupils_newly_bused for x in towns),
        weekly_boarders=sum(x.weekly_boarders for x in towns),
        buses=sum(x.buses for x in towns),
        runs=sum(x.runs for x in towns),
        longest_journey_s=longest,
        running_cost_saved=sum(x.running_cost_saved for x in towns),
        net_annual_saving=sum(x.net_annual_saving for x in towns),
        capital=sum(x.capital for x in towns),
    )
