"""``manifest.json``: what a plan was made from, so that anyone can make it again.

Every output folder holds one: the SHA-256 of every input file (the scenario, the
files it extends, the road network and the place tables), the scenario as
validated (every default filled in), the solver seed and each model's status and
gap, the versions of the packages that shape the result, and the SHA-256 of every
output file written beside it. It holds no clock time and no absolute path, so
the same inputs on the same software give the same manifest, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from optimizer.plan import Plan
from optimizer.scenario.schema import Scenario

#: File name of the manifest in an output folder.
MANIFEST = "manifest.json"
#: Distributions whose versions are recorded (those that can change a plan or its files).
PACKAGES = (
    "schoolplan",
    "ortools",
    "pyvrp",
    "osmnx",
    "osmium",
    "networkx",
    "numpy",
    "scipy",
    "pandas",
    "geopandas",
    "shapely",
    "pyproj",
    "pyogrio",
    "pydantic",
    "PyYAML",
    "folium",
)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str]:
    """Installed version of each distribution (``"not installed"`` when absent)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def input_files(scenario: Scenario) -> list[tuple[str, Path]]:
    """``(role, absolute path)`` of every input: scenario chain, roads, place tables,
    township boundaries."""
    out: list[tuple[str, Path]] = []
    for i, source in enumerate(scenario.sources):
        out.append(("scenario" if i == 0 else "extends", Path(source)))
    files = scenario.region_files()
    out.append(("roads", Path(files.roads)))
    for role, place in (
        ("villages", files.villages),
        ("schools", files.schools),
        ("depots", files.depots),
    ):
        if place is not None:
            out.append((role, Path(place.path)))
    boundaries = scenario.boundary_source()
    if boundaries is not None:
        out.append(("boundaries", Path(boundaries.path)))
    return out


def _relative(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # another drive
        return path.as_posix()


def build_manifest(scenario: Scenario, plan: Plan, outputs: Sequence[Path] = ()) -> dict[str, Any]:
    """The manifest of a plan made from ``scenario``.

    Parameters
    ----------
    scenario
        The validated scenario the plan was made from.
    plan
        The plan.
    outputs
        Files written for the plan (hashed by name; the manifest itself is skipped).

    Returns
    -------
    dict
        JSON-ready; paths relative to the scenario file's folder.
    """
    base = Path(scenario.base_dir).resolve()
    inputs = [
        {
            "role": role,
            "path": _relative(path, base),
            "bytes": path.stat().st_size,
            "sha256": sha256_file(path),
        }
        for role, path in input_files(scenario)
    ]
    runs = [
        {
            "stage": run.stage,
            "engine": run.engine,
            "status": run.status,
            "gap": run.gap,
            "reproducible": run.reproducible,
        }
        for run in plan.solver
    ]
    return {
        "schoolplan": package_versions(("schoolplan",))["schoolplan"],
        "scenario": scenario.model_dump(mode="json"),
        "inputs": inputs,
        "seed": scenario.solver.seed,
        "solver": runs,
        "status": runs[0]["status"] if runs else "",
        "reproducible": all(r["reproducible"] for r in runs),
        "outputs": {p.name: sha256_file(p) for p in sorted(outputs) if p.name != MANIFEST},
        "packages": package_versions(),
        "python": platform.python_version(),
        "platform": f"{platform.system()}-{platform.machine()}",
    }


def manifest_file(scenario: Scenario, plan: Plan) -> Callable[[Sequence[Path]], dict[str, str]]:
    """The ``extra`` hook of :func:`~optimizer.outputs.folder.write_outputs`: the manifest."""
    return lambda files: {MANIFEST: manifest_json(build_manifest(scenario, plan, files))}


def manifest_json(manifest: dict[str, Any]) -> str:
    """Canonical JSON text: sorted keys, fixed indentation."""
    return json.dumps(manifest, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
