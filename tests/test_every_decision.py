"""Every decision of the closure model and every mode of a pupil, end to end.

Each decision (keep, close, teaching point, and each investment the model can make:
classrooms, canteen seats, boarding beds, a private kindergarten made inclusive) and
each mode (walk, bus, board, guardian, as today) is taken through ``make_plan``, the
independent verifier and ``write_outputs`` on a tiny hand-made region, and must show
in the plan, in plan.json read back, in ``schools.csv`` / ``assignments.csv`` and in
the report, in English and in Chinese.

The region is the tiny straight road of :mod:`tests.conftest` (nodes 0.9 km apart; a
bus covers a segment in 54 s, one steep segment in 162 s): village A at km 0, P1 at km
0.9, B at km 1.8, P2 at km 7.2, C at km 9.0. Each case changes the schools, the
villages or the policy a little; its comment says why the model must decide as it does.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from geodata.kinds import Band
from geodata.region import load_region
from optimizer import Plan, verify
from optimizer.closures.side_rules import KINDS
from optimizer.outputs.compare import load_plan
from optimizer.outputs.folder import write_outputs
from optimizer.outputs.labels import LANGUAGES, labels, term
from optimizer.outputs.report import render_report
from optimizer.outputs.wording import veto_detail
from optimizer.plan import Mode, Status
from optimizer.planning.flow import make_plan
from optimizer.planning.school_results import to_build
from optimizer.scenario.schema import load_scenario
from tests.conftest import SCHOOLS_CSV, VILLAGES_CSV, tiny_osm

SCENARIO = """name: every decision ({case})
region:
  roads: roads.osm
  villages: villages.csv
  schools: schools.csv
policy:
  bell: "08:00"
{policy}solver:
  seed: 7
"""

VILLAGES_WITH_KINDERGARTEN_CHILDREN = (
    "id,name,lon,lat,k,p13,p46,j79,current_k,current_primary,current_junior\n"
    """A,Avillage,118.0000000,36.0000000,10,20,15,0,K1,P1,
B,Bvillage,118.0200000,36.0000000,0,10,0,0,,P1,
C,Cvillage,118.1000000,36.0000000,8,30,30,0,K2,P2,
"""
)

HEAD = "id,name,lon,lat,level,capacity,may_close,must_keep,running_cost"
P1 = "P1,Small school,118.0100000,36.0000000,primary,100,true,false,1200000"


def _p2(capacity: int = 400, extra: str = "") -> str:
    return f"P2,Town school,118.0800000,36.0000000,primary,{capacity},false,true,2000000{extra}"


@dataclass(frozen=True)
class Case:
    """A tiny region: its tables and the lines it adds to the scenario's policy."""

    villages: str = VILLAGES_CSV
    schools: str = SCHOOLS_CSV
    policy: str = ""


CASES = {
    # P1 costs 1,200,000 a year (360,000 saved: 70 % of it is teachers' pay, redeployed);
    # closing it moves A's and B's 45 pupils 7 km to P2 (room for 400) on one bus
    # (150,000 a year plus its km, priced with the routes' own fill and km, the default)
    # with 23 canteen seats (4,000 x 0.05 a year each), rides no longer than today's
    # 13.5-min walk to P1: it closes. Bused
    # pupils eat at school, 45 over 2 sittings = 23 seats, and P2 has none: built.
    # C is 1.8 km from P2: beyond the 1.5 km walk of grades 1-3, who keep today's way
    # (as today), within the 2.5 km of grades 4-6, who walk.
    "base": Case(),
    # P2 holds 80: C's 60 fit, A's and B's 45 more do not, so P1 may close but stays
    # (kept); A and B are 0.9 km from it and walk.
    "full_receiver": Case(schools=f"{HEAD}\n{P1}\n{_p2(80)}\n"),
    # As full_receiver, P2 holding 60, and a kept school needs 50 pupils: P1 cannot
    # close and has 45, so it is kept as a teaching point (class norm 30).
    "teaching_point": Case(
        schools=f"{HEAD}\n{P1}\n{_p2(60)}\n", policy="  schools: {min_enrolment: 50}\n"
    ),
    # P2 has 2 classrooms (today's 2 classes: C's 30 + 30). With P1 closed it has 60
    # grades 1-3 pupils (2 classes of at most 45) and 45 grades 4-6 (1 class): 3 classes,
    # so 1 classroom is built (800,000 x 0.05 a year, below the 360,000 saved; at
    # 900,000 a year, 270,000 saved, this closure would not pay once the bus is priced
    # as routed).
    "classrooms": Case(schools=f"{HEAD},classrooms\n{P1},0\n{_p2(400, ',2')}\n"),
    # Grades 4-6 may travel at most 5 minutes one way: A's are 7.2 km (beyond their
    # 2.5 km walk) and 9 min by road from P2, so once P1 closes they board (15 boarders
    # at 3,000 a year and 15 beds at 25,000 x 0.05 cost less than the 360,000 saved);
    # P2 has no beds: 15 are built. C's grades 4-6 ride 1.8 min, as today.
    "boarding": Case(
        schools=f"{HEAD}\n{P1}\n{_p2()}\n", policy="  bands: {p46: {one_way_min: 5}}\n"
    ),
    # K2 is private and must stay; every kindergarten place must be inclusive (the
    # default share 1.0), so its 30 places are made inclusive. The public share holds:
    # K1's 100 of 130 places = 77 % >= 70 %. A's 10 children are 1.8 km from K1, beyond
    # the 1 km walk and within 20 min by road: their guardians bring them.
    "kindergartens": Case(
        villages=VILLAGES_WITH_KINDERGARTEN_CHILDREN,
        schools=f"{HEAD},ownership\n{P1},public\n{_p2(400, ',public')}\n"
        "K1,Public kindergarten,118.02,36.0,kindergarten,100,false,true,300000,public\n"
        "K2,Private kindergarten,118.09,36.0,kindergarten,30,false,true,200000,private\n",
    ),
}


@dataclass(frozen=True)
class Decision:
    """What the plan of ``case`` must decide for ``school``: its status, and the units
    of one investment (``""``: none asked)."""

    case: str
    school: str
    status: Status
    investment: str = ""
    units: int = 0


DECISIONS = {
    "close": Decision("base", "P1", Status.CLOSED),
    "keep": Decision("full_receiver", "P1", Status.KEPT),
    "teaching_point": Decision("teaching_point", "P1", Status.TEACHING_POINT),
    "classrooms": Decision("classrooms", "P2", Status.KEPT, "classrooms", 1),
    "canteen_seats": Decision("base", "P2", Status.KEPT, "canteen_seats", 23),
    "boarding_beds": Decision("boarding", "P2", Status.KEPT, "boarding_beds", 15),
    "inclusive_places": Decision("kindergartens", "K2", Status.KEPT, "inclusive_places", 30),
}

#: The investment each kind of side column of the closure model buys (side_rules.KINDS;
#: classes and teaching points are not investments).
INVESTMENT_OF_KIND = {
    "rooms": "classrooms",
    "seats": "canteen_seats",
    "beds": "boarding_beds",
    "subsidy": "inclusive_places",
}


@dataclass(frozen=True)
class Journey:
    """How the pupils of ``band`` in ``village`` must go in the plan of ``case``."""

    case: str
    village: str
    band: Band
    school: str


MODES = {
    Mode.WALK: Journey("base", "C", Band.P46, "P2"),
    Mode.BUS: Journey("base", "A", Band.P13, "P2"),
    Mode.BOARD: Journey("boarding", "A", Band.P46, "P2"),
    Mode.GUARDIAN: Journey("kindergartens", "A", Band.K, "K1"),
    Mode.AS_TODAY: Journey("base", "C", Band.P13, "P2"),
}


@dataclass(frozen=True)
class Written:
    """A case planned, verified and written: the plan, the verifier's findings, the
    output folder and the report in each language."""

    plan: Plan
    violations: list
    out: Path
    reports: dict[str, str]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Each case planned once (on first use), verified, and written."""
    done: dict[str, Written] = {}

    def get(case: str) -> Written:
        if case not in done:
            folder = tmp_path_factory.mktemp(case)
            given = CASES[case]
            (folder / "roads.osm").write_text(tiny_osm(), encoding="utf-8")
            (folder / "villages.csv").write_text(given.villages, encoding="utf-8")
            (folder / "schools.csv").write_text(given.schools, encoding="utf-8")
            text = SCENARIO.format(case=case, policy=given.policy)
            (folder / "scenario.yaml").write_text(text, encoding="utf-8")
            scenario = load_scenario(folder / "scenario.yaml")
            plan, problem = make_plan(scenario, load_region(scenario.region_files()))
            out = folder / "out"
            write_outputs(plan, out)
            reports = {"en": (out / "report.html").read_text(encoding="utf-8")}
            reports |= {lang: render_report(plan, language=lang) for lang in LANGUAGES[1:]}
            done[case] = Written(plan, verify(plan, problem), out, reports)
        return done[case]

    return get


def rows(path: Path, *keys: str) -> dict[tuple[str, ...], dict[str, str]]:
    """A CSV table's rows by the values of ``keys``."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {tuple(r[k] for k in keys): r for r in csv.DictReader(f)}


def section(report: str, heading: str) -> str:
    """The part of a report under the ``<h2>`` heading ``heading``, up to the next one."""
    start = report.index(f"<h2>{heading}</h2>")
    end = report.find("<h2>", start + 1)
    return report[start : end if end > 0 else len(report)]


def school_row(report: str, text: dict[str, str], sid: str) -> list[str]:
    """The cells of a school's row in the report's table of schools after the plan."""
    part = section(report, text["schools_after"])
    (row,) = [r for r in re.findall(r"<tr>.*?</tr>", part) if f"({sid})</td>" in r]
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


def test_every_decision_and_mode_has_a_case():
    assert {d.status for d in DECISIONS.values()} == set(Status)
    assert set(KINDS) - {"classes", "tp"} == set(INVESTMENT_OF_KIND)
    wanted = set(INVESTMENT_OF_KIND.values())
    assert {d.investment for d in DECISIONS.values() if d.investment} == wanted
    assert set(MODES) == set(Mode)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_case_passes_the_verifier_and_reads_back(written, case):
    w = written(case)
    assert w.violations == []
    assert (w.out / "plan.json").read_text(encoding="utf-8") == w.plan.to_json()
    assert load_plan(w.out) == w.plan == Plan.from_json(w.plan.to_json())


@pytest.mark.parametrize("name", list(DECISIONS))
def test_every_decision_is_in_the_plan_the_files_and_the_report(written, name):
    d = DECISIONS[name]
    w = written(d.case)
    (school,) = [s for s in w.plan.schools if s.id == d.school]
    assert school.status is d.status
    if d.investment:
        assert school.investment.get(d.investment) == d.units
    if d.status is Status.TEACHING_POINT:
        assert school.class_norm == 30
    (back,) = [s for s in load_plan(w.out / "plan.json").schools if s.id == d.school]
    assert back == school
    row = rows(w.out / "schools.csv", "school")[(d.school,)]
    assert row["status"] == d.status
    if d.investment:
        assert f"{d.investment} {d.units}" in row["investment"].split(", ")
    for language, report in w.reports.items():
        text = labels(language)
        if d.status is Status.CLOSED:  # a closed school has its own table
            assert f"({d.school})</td>" in section(report, text["closed_schools"])
            assert f"({d.school})</td>" not in section(report, text["schools_after"])
            continue
        cells = school_row(report, text, d.school)
        assert term(text, "role", row["role"]) in cells
        if d.investment:
            assert f"invest.{d.investment}" in text, (language, d.investment)
            words = text[f"invest_n.{d.investment}"].format(n=d.units)
            assert words in cells[-2].split(text["list_sep"]), (language, cells)


@pytest.mark.parametrize("mode", list(Mode))
def test_every_mode_is_in_the_plan_the_files_and_the_report(written, mode):
    j = MODES[mode]
    w = written(j.case)
    (a,) = [a for a in w.plan.assignments if (a.village, a.band) == (j.village, j.band)]
    assert (a.mode, a.school) == (mode, j.school)
    (back,) = [
        x for x in load_plan(w.out).assignments if (x.village, x.band) == (a.village, a.band)
    ]
    assert back == a
    row = rows(w.out / "assignments.csv", "village", "band")[(j.village, j.band)]
    assert (row["mode"], row["school"]) == (mode, j.school)
    names = {s.id: s.name for s in w.plan.schools}
    for language, report in w.reports.items():
        text = labels(language)
        after = (
            f"{names[a.school]} · {term(text, 'mode', mode)} · "
            f"{a.time_s / 60:.0f} · {a.distance_m / 1000:.1f}"
        )
        assert f"<td>{after}</td>" in section(report, text["villages_table"]), language


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("base", "receiving P2; to build first: P2: canteen_seats 23"),
        ("classrooms", "receiving P2; to build first: P2: canteen_seats 23, classrooms 1"),
        ("boarding", "receiving P2; to build first: P2: boarding_beds 15, canteen_seats 23"),
    ],
)
def test_what_to_build_before_a_closure_is_in_the_veto_checklist(written, case, detail):
    w = written(case)
    (check,) = [v for v in w.plan.vetoes if (v.school, v.item) == ("P1", "dining and boarding")]
    assert check.detail == detail
    # The report words the same items in its language (outputs.wording.veto_detail).
    worded = veto_detail(labels("en"), w.plan, check)
    assert f"<td>{worded}</td>" in w.reports["en"]
    for item in detail.split("to build first: P2: ")[1].split(", "):
        kind, n = item.split(" ")
        assert labels("en")[f"invest_n.{kind}"].format(n=n) in worded


def test_a_subsidy_is_not_built_before_a_closure():
    assert to_build({"inclusive_places": 30, "classrooms": 1, "canteen_seats": 0}) == "classrooms 1"
    assert to_build({"inclusive_places": 30}) == ""
