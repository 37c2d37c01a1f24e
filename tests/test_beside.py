"""Files written beside the main process (optimizer.outputs.beside).

``write_outputs`` draws half of a plan's files in a forked child where there is a
second core. The same plan must give the same bytes in every file whether the child
wrote its half, the parent wrote everything (no fork), or the child failed and the
parent wrote its half again.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from optimizer.outputs import beside
from optimizer.outputs.folder import write_outputs
from tests.sample_plan import sample_plan


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.skipif(not beside.can_fork(), reason="needs os.fork and a second core")
def test_the_same_files_with_and_without_the_child(tmp_path, monkeypatch):
    plan = sample_plan()
    write_outputs(plan, tmp_path / "forked")
    monkeypatch.setattr(beside, "can_fork", lambda: False)  # as imported there
    write_outputs(plan, tmp_path / "serial")
    forked, serial = _bytes(tmp_path / "forked"), _bytes(tmp_path / "serial")
    assert "map.html" in forked and "route_sheets.html" in forked and "plan.xlsx" in forked
    assert forked == serial


@pytest.mark.skipif(not beside.can_fork(), reason="needs os.fork and a second core")
def test_a_failed_child_is_redone_by_the_parent(tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    parent = os.getpid()

    def job() -> None:
        (marks / f"ran-{'parent' if os.getpid() == parent else 'child'}").write_text("x")
        if os.getpid() != parent:
            raise RuntimeError("the child fails")

    with beside.Beside(job) as side:
        side.wait()
    assert sorted(p.name for p in marks.iterdir()) == ["ran-child", "ran-parent"]


def test_a_parent_that_stops_early_ends_the_child(tmp_path):
    done = tmp_path / "done"

    def job() -> None:
        import time

        time.sleep(30)
        done.write_text("x")

    with pytest.raises(KeyError), beside.Beside(job):  # the job never runs in the parent
        raise KeyError("the parent stops before it waits")
    assert not done.exists()


def _square_with_pid(n: int) -> tuple[int, int]:
    if n == 3:
        raise ValueError("item 3")
    return n * n, os.getpid()


@pytest.mark.skipif(not beside.can_fork(), reason="needs os.fork and a second core")
def test_fork_map_gives_the_serial_results_in_order_from_workers():
    from optimizer.forked import fork_map

    results = fork_map(_square_with_pid, [0, 1, 2, 4, 5])
    assert [r for r, _ in results] == [0, 1, 4, 16, 25]
    assert os.getpid() not in {pid for _, pid in results}  # computed in forked workers
    with pytest.raises(ValueError, match="item 3"):
        fork_map(_square_with_pid, [1, 3])
    assert fork_map(_square_with_pid, [2]) == [(4, os.getpid())]  # one item: here
