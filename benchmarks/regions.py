"""Small real regions read and planned cold and warm (issue 14 item 6).

The shipped extracts (``shared/data``, ODbL, (c) OpenStreetMap contributors) are cut
to about :data:`TARGET_NODES` nodes around the median of their settlements, with
complete ways, and written out as full OSM XML (buildings, waterways, landuse and
all: the unfiltered file a planner downloads); ``schoolplan places`` makes the
village and school tables of each cut. Each region is then planned with ``schoolplan
run`` in a child process, first with an empty cache (cold), then again with the cache
the first run filled (warm: the region is read from the cache, no OSM parsing), the
project's modules compiled to bytecode first as an installed wheel has them. Wall
time and CPU time (user + sys of the child) are both printed: other work on the
machine shows in the first, hardly in the second. The two runs' plans must be the same
bytes (``plan.json``'s SHA-256).

One row per region, then::

    SUMMARY set=regions instances=N met=K failed=F max_cold_s=... max_warm_s=...
    target_cold_s=15 target_warm_s=5

A region that fails (no plan, a crash) is a row with ``FAILED`` and the reason.
``ratio`` is each time over the county benchmark's total (when known).
"""

from __future__ import annotations

import hashlib
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium
import yaml

from geodata.place_tables import write_place_tables

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / "out" / "bench"
EXTRACTS = ("autauga.osm.pbf", "liechtenstein-2021.osm.pbf")
TARGET_NODES = 60_000
TARGET_COLD_S = 15.0
TARGET_WARM_S = 5.0
SETTLEMENTS = ("village", "hamlet", "town", "isolated_dwelling")


def cut_extract(pbf: Path, out: Path, target_nodes: int = TARGET_NODES) -> int:
    """Write the box of ``pbf`` around its settlements' median holding ``target_nodes``
    nodes (with every node of a way that enters it) as full OSM XML; return the count."""
    ids, lon, lat, places, way_ids, refs, owner = [], [], [], [], [], [], []
    for obj in osmium.FileProcessor(str(pbf), osmium.osm.NODE | osmium.osm.WAY):
        if obj.is_node():
            ids.append(obj.id)
            lon.append(obj.location.lon)
            lat.append(obj.location.lat)
            if obj.tags.get("place") in SETTLEMENTS:
                places.append((obj.location.lon, obj.location.lat))
        else:
            way_refs = [n.ref for n in obj.nodes]
            owner.extend([len(way_ids)] * len(way_refs))
            way_ids.append(obj.id)
            refs.extend(way_refs)
    ids_a, lon_a, lat_a = np.array(ids), np.array(lon), np.array(lat)
    order = np.argsort(ids_a)
    at = order[np.clip(np.searchsorted(ids_a[order], refs), 0, len(ids_a) - 1)]
    owner_a = np.array(owner, dtype=np.int64)
    cx, cy = np.median(np.array(places), axis=0)
    hx, hy = np.ptp(lon_a) / 2, np.ptp(lat_a) / 2

    def cut(f: float) -> tuple[np.ndarray, np.ndarray]:
        inside = (np.abs(lon_a - cx) <= f * hx) & (np.abs(lat_a - cy) <= f * hy)
        ways = np.zeros(len(way_ids), dtype=bool)
        ways[owner_a[inside[at]]] = True
        keep = inside.copy()
        keep[at[ways[owner_a]]] = True
        return keep, ways

    low, high = 0.0, 1.0
    for _ in range(30):
        mid = (low + high) / 2
        low, high = (mid, high) if cut(mid)[0].sum() < target_nodes else (low, mid)
    keep, ways = cut(high)
    nodes_kept = set(ids_a[keep].tolist())
    ways_kept = set(np.array(way_ids)[ways].tolist())
    with osmium.SimpleWriter(str(out), overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(pbf), osmium.osm.NODE | osmium.osm.WAY):
            if obj.id in (nodes_kept if obj.is_node() else ways_kept):
                writer.add(obj)
    return len(nodes_kept)


@dataclass(frozen=True)
class Instance:
    """A cut region ready to plan."""

    name: str
    scenario: Path
    nodes: int
    villages: int
    schools: int


def prepare(pbf: Path, cache: Path = CACHE) -> Instance:
    """Cut ``pbf``, write its place tables and scenario into ``cache`` (once)."""
    key = hashlib.sha256(pbf.read_bytes() + repr(TARGET_NODES).encode()).hexdigest()[:12]
    folder = cache / f"region-{pbf.name.split('.')[0]}-{key}"
    roads = folder / "roads.osm"
    stamp = folder / "nodes.txt"
    if not stamp.is_file():
        (folder / "tables").mkdir(parents=True, exist_ok=True)
        nodes = cut_extract(pbf, roads)
        write_place_tables(roads, folder / "tables")
        stamp.write_text(str(nodes))
    scenario = {
        "name": f"{pbf.name} cut to {TARGET_NODES} nodes",
        "region": {
            "roads": "roads.osm",
            "villages": "tables/villages.csv",
            "schools": "tables/schools.csv",
        },
        # As the place-table test plans the shipped extracts (guardians at 40 km/h, an
        # hour and a half for grades 7-9); a cut's edge hamlet is 31 min from a school.
        "policy": {
            "guardian_kph": 40,
            "bands": {"p13": {"one_way_min": 35}, "j79": {"one_way_min": 90}},
        },
        "solver": {"seed": 1},
    }
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
    rows = [
        (folder / "tables" / f).read_text(encoding="utf-8") for f in ("villages.csv", "schools.csv")
    ]
    count = [len(text.splitlines()) - 1 for text in rows]
    return Instance(pbf.name, path, int(stamp.read_text()), count[0], count[1])


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(scenario: Path, out: Path, cache: Path) -> tuple[float, float, str]:
    """``schoolplan run`` in a child: wall seconds, CPU seconds, ``plan.json`` SHA-256."""
    cpu, started = _child_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "optimizer.cli", "run", str(scenario), "--out", str(out)]
        + ["--cache", str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wall, cpu = time.perf_counter() - started, _child_cpu() - cpu
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"exit {done.returncode}: {last}")
    return wall, cpu, hashlib.sha256((out / "plan.json").read_bytes()).hexdigest()


def compile_sources() -> None:
    """Compile the project's modules to bytecode first, as an installed wheel has them:
    with ``PYTHONDONTWRITEBYTECODE`` (or after an edit) each run would compile them
    again (about 0.2 s), which is not the planner's cost."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "geodata", "optimizer"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def run(cache: Path = CACHE, county_s: float | None = None) -> list[str]:
    """Plan every cut region cold and warm; print the rows and the SUMMARY line."""
    compile_sources()
    print(
        f"{'region':<28}{'nodes':>7}{'vill':>5}{'sch':>4}{'cold_s':>8}{'cpu':>7}{'warm_s':>8}"
        f"{'cpu':>7}{'ratio':>12}  status"
    )
    rows, met, failed, colds, warms = [], 0, 0, [], []
    for name in EXTRACTS:
        pbf = DATA / name
        try:
            inst = prepare(pbf, Path(cache))
            with tempfile.TemporaryDirectory() as tmp:
                where = Path(tmp)
                cold = timed_run(inst.scenario, where / "cold", where / "cache")
                warm = timed_run(inst.scenario, where / "warm", where / "cache")
        except Exception as exc:  # noqa: BLE001 - a failed region is its row
            failed += 1
            text = " ".join(str(exc).split())
            rows.append(f"{name:<28}  FAILED {type(exc).__name__}: {text}")
            print(rows[-1], flush=True)
            continue
        ok = cold[0] <= TARGET_COLD_S and warm[0] <= TARGET_WARM_S and cold[2] == warm[2]
        met += ok
        colds.append(cold[0])
        warms.append(warm[0])
        ratio = "-" if not county_s else f"{cold[0] / county_s:.3f}/{warm[0] / county_s:.3f}"
        status = "met" if ok else "NOT MET"
        status += "" if cold[2] == warm[2] else " (cold and warm plans differ)"
        rows.append(
            f"{name:<28}{inst.nodes:>7}{inst.villages:>5}{inst.schools:>4}{cold[0]:>8.1f}"
            f"{cold[1]:>7.1f}{warm[0]:>8.1f}{warm[1]:>7.1f}{ratio:>12}  {status} "
            f"plan={cold[2][:12]}"
        )
        print(rows[-1], flush=True)
    summary = (
        f"SUMMARY set=regions instances={len(EXTRACTS)} met={met} failed={failed} "
        f"max_cold_s={max(colds, default=float('nan')):.1f} "
        f"max_warm_s={max(warms, default=float('nan')):.1f} "
        f"target_cold_s={TARGET_COLD_S:.0f} target_warm_s={TARGET_WARM_S:.0f}"
    )
    print(summary, flush=True)
    return [*rows, summary]
