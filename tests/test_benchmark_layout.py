"""The shape of ``benchmarks/``: small modules, and imports of ``optimizer`` only through
its solver cores and the public flow (issue 11)."""

from __future__ import annotations

import ast
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
#: What benchmarks may import from ``optimizer``: the solver cores and the public flow
#: (until ``optimizer/__init__.py`` exports it, from the modules that define it).
PUBLIC = (
    "optimizer",
    "optimizer.errors",
    "optimizer.scenario",
    "optimizer.planning.flow",  # make_plan
    "optimizer.verification.checks",  # verify
)
#: The county benchmark writes the outputs as ``schoolplan run`` does; the writer and
#: the manifest are not yet exported by the package.
OUTPUTS = ("optimizer.outputs.folder", "optimizer.outputs.manifest")


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute imports, at any depth)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def allowed(module: str) -> bool:
    if module.startswith("optimizer.solvers") or module.startswith("optimizer.scenario"):
        return True
    return module in PUBLIC or module in OUTPUTS


def test_benchmarks_import_only_the_solver_cores_and_the_public_flow():
    wrong = {
        f"{path.name}: {module}"
        for path in sorted(BENCHMARKS.glob("*.py"))
        for module in imported(path)
        if module.split(".")[0] == "optimizer" and not allowed(module)
    }
    assert wrong == set()


def test_no_benchmark_module_is_over_400_lines():
    sizes = {p.name: len(p.read_text().splitlines()) for p in BENCHMARKS.glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 400} == {}
    assert {"sbrp.py", "sbrp_files.py", "sbrp_check.py", "clrp_files.py", "meter.py"} <= set(sizes)
