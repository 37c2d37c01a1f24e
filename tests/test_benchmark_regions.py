"""The small real regions benchmark set: its cut of the shipped extracts and its rows."""

from __future__ import annotations

import re

import osmium

from benchmarks import regions
from tests.test_real_extracts import LIECHTENSTEIN, needs_data

SUMMARY = re.compile(
    r"^SUMMARY set=regions instances=(\d+) met=(\d+) failed=(\d+) max_cold_s=(\S+) "
    r"max_warm_s=(\S+) target_cold_s=15 target_warm_s=5$"
)


@needs_data
def test_cut_is_a_full_osm_file_of_about_the_nodes_asked(tmp_path):
    out = tmp_path / "cut.osm"
    nodes = regions.cut_extract(LIECHTENSTEIN, out, target_nodes=5000)
    assert 5000 <= nodes <= 6500  # the first box holding 5000 (ways enter whole)
    counted, tags = 0, set()
    for obj in osmium.FileProcessor(str(out)):
        counted += obj.is_node()
        tags.update(t.k for t in obj.tags)
    assert counted == nodes
    assert "highway" in tags and ({"building", "landuse", "waterway"} & tags)  # unfiltered


def test_a_region_that_fails_is_a_row_and_the_set_still_summarises(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(regions, "EXTRACTS", ("no-such-extract.osm.pbf",))
    regions.run(tmp_path)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("no-such-extract.osm.pbf") and "FAILED" in lines[1]
    match = SUMMARY.match(lines[-1])
    assert match and match.group(1, 2, 3) == ("1", "0", "1"), lines[-1]
