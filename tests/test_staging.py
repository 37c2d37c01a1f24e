"""The staged writer: folders appear whole, only where a run may write; nothing of yours lost."""

from __future__ import annotations

import os

import pytest

from geodata.errors import InputError
from geodata.staging import check_cache_folder, check_output_folder, staged_files, staged_folder
from optimizer.cli import main
from optimizer.outputs.folder import OUTPUT_MARKS

MANIFEST = b'{\n "schoolplan": "0.1.0"\n}\n'


def test_a_previous_run_is_replaced_whole(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_bytes(MANIFEST)
    (out / "plan.json").write_text("old")
    with staged_folder(out, marks=OUTPUT_MARKS) as tmp:
        (tmp / "manifest.json").write_bytes(MANIFEST)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary, no old copy


def test_an_interrupted_write_leaves_the_previous_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_bytes(MANIFEST)
    with pytest.raises(KeyboardInterrupt), staged_folder(out, marks=OUTPUT_MARKS) as tmp:
        (tmp / "plan.json").write_text("half")
        raise KeyboardInterrupt
    assert [p.name for p in out.iterdir()] == ["manifest.json"]
    assert (out / "manifest.json").read_bytes() == MANIFEST
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_folder_of_the_users_is_refused_and_left_as_it_was(tmp_path):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.docx").write_bytes(b"mine")
    with pytest.raises(InputError, match="found a folder holding 1 other entry: chapter1.docx"):
        with staged_folder(out, marks=OUTPUT_MARKS):
            pytest.fail("no work may start")
    assert (out / "chapter1.docx").read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]


def test_a_folder_holding_an_input_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_bytes(MANIFEST)
    (out / "roads.osm").write_text("<osm/>")
    with pytest.raises(InputError, match="expected a folder apart from the inputs"):
        check_output_folder(out, marks=OUTPUT_MARKS, inputs=[out / "roads.osm"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(InputError, match="expected a folder that can be written to"):
            check_output_folder(locked / "out", marks=OUTPUT_MARKS)
    finally:
        locked.chmod(0o755)


def test_a_cache_holds_only_cache_entries(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "region-0123abcd.pickle").write_bytes(b"x")
    assert check_cache_folder(cache) == cache
    (cache / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="--cache: .*found a folder holding 1 other entry"):
        check_cache_folder(cache)


def test_staged_files_replace_each_file_whole_or_not_at_all(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("old a")
    with pytest.raises(RuntimeError), staged_files([a, b]) as (ta, tb):
        ta.write_text("new a")
        raise RuntimeError("disk full")
    assert a.read_text() == "old a" and not b.exists()
    with staged_files([a, b]) as (ta, tb):
        ta.write_text("new a")
        tb.write_text("new b")
    assert (a.read_text(), b.read_text()) == ("new a", "new b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


def test_sweep_refuses_the_inputs_folder_before_any_work(tiny_dir, capsys, monkeypatch):
    monkeypatch.chdir(tiny_dir)
    before = {p.name: p.read_bytes() for p in tiny_dir.iterdir() if p.is_file()}
    code = main(["sweep", "scenario.yaml", "--vary", "policy.bus.seats=40,45", "--out", "."])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "--out: .: folder: expected a new folder or one a previous run wrote; " in err
    assert {p.name: p.read_bytes() for p in tiny_dir.iterdir() if p.is_file()} == before
