"""Every bad input ends with exit code 2 and one clear message, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from optimizer.cli import main
from tests.conftest import write_tiny_region

CASES = Path(__file__).resolve().parent / "bad_inputs"
META = ("expected.txt", "xfail.txt", "args.txt")


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _case(folder: Path):
    marks = []
    if (folder / "xfail.txt").is_file():
        reason = (folder / "xfail.txt").read_text().strip()
        marks.append(pytest.mark.xfail(reason=reason, strict=True))
    return pytest.param(folder, id=folder.name, marks=marks)


@pytest.mark.parametrize("case", [_case(p) for p in sorted(CASES.iterdir()) if p.is_dir()])
def test_bad_input_gives_exit_2_and_a_clear_message(
    case: Path, tmp_path: Path, capsys, monkeypatch
):
    write_tiny_region(tmp_path)
    for path in case.rglob("*"):
        if path.is_file() and path.name not in META:
            target = tmp_path / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    # args.txt, where present, replaces ``--out out``: one argument a line, run from the
    # case's folder (so that ``.`` is the folder holding the inputs).
    args = ["--out", "out"]
    if (case / "args.txt").is_file():
        args = (case / "args.txt").read_text(encoding="utf-8").split("\n")[:-1]
    monkeypatch.chdir(tmp_path)
    before = _files(tmp_path)
    code = main(["run", str(tmp_path / "scenario.yaml"), *args])
    err = capsys.readouterr().err
    expected = (case / "expected.txt").read_text(encoding="utf-8").strip()
    assert code == 2, err
    assert expected in err, err
    assert "Traceback" not in err
    assert err.startswith(("schoolplan: bad input\n", "schoolplan: scenario ")), err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == len(set(lines)), f"a problem is reported more than once:\n{err}"
    after = _files(tmp_path)
    assert {name: after.get(name) for name in before} == before, "an input file was changed"
    written = [n for n in after if n not in before and not n.startswith("cache/")]
    assert written == [], f"written despite the bad input: {written}"
    entries = sorted(p.name for p in tmp_path.iterdir())
    assert entries == sorted({n.split("/")[0] for n in [*before, *after]}), "a folder was left"


@pytest.mark.parametrize(
    "case",
    # Cases with their own arguments (args.txt) are about the command line, not the inputs.
    [_case(p) for p in sorted(CASES.iterdir()) if p.is_dir() and not (p / "args.txt").exists()],
)
def test_validate_gives_the_verdict_of_run(case: Path, tmp_path: Path, capsys):
    """``validate: ok`` means ``run`` accepts the inputs; a refusal is word for word the same.

    A policy with no plan is no input error: validate accepts it and only the run can
    tell (the ``infeasible_*`` cases).
    """
    write_tiny_region(tmp_path)
    for path in case.rglob("*"):
        if path.is_file() and path.name not in META:
            target = tmp_path / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    scenario = str(tmp_path / "scenario.yaml")
    checked = main(["validate", scenario])
    said = capsys.readouterr()
    ran = main(["run", scenario, "--out", str(tmp_path / "out")])
    run_err = capsys.readouterr().err
    if "has no plan" in run_err:
        assert checked == 0, said.err
        assert said.out.startswith("ok: ") and " read in full in " in said.out
        return
    assert (checked, ran) == (2, 2), said.err
    if case.name.startswith("roads_"):
        assert said.err == run_err
    else:  # validate checks every file up front, in words of its own; the same files
        for line in run_err.splitlines()[2:]:
            assert line.strip().split(": ")[0] in said.err, said.err
