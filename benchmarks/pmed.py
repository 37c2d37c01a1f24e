"""OR-Library p-median (Beasley 1990, pmed1-10) on the shared facility core.

File format: line 1 ``n edges p``; then ``edges`` lines ``i j cost`` of an undirected
graph on nodes ``1..n``. Distances are shortest paths over the edges; where an edge
appears twice the *last* occurrence holds. Every node is a customer and a candidate
median, opening is free, and exactly ``p`` medians open.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import csgraph_from_dense, shortest_path

from benchmarks.budget import Budget
from benchmarks.runner import Outcome, Status
from optimizer.solvers.facility import FacilityModel, Hint, SolveSettings, solve_facility

PATTERN = "pmed*.txt"
#: HiGHS: the core gives it the ``x`` as continuous (uncapacitated) and the
#: interchange heuristic's value as a cutoff; CP-SAT and SCIP stall on the 200-node
#: instances (CP-SAT's LP, SCIP's root LP of 40 000 rows).
ENGINE = "highs"
WORKERS = 2  # used by CP-SAT only; HiGHS runs its own threads
#: Customer-median pairs the facility core builds and hands to HiGHS per second, outside
#: HiGHS's own time limit (measured on a 900-node instance, 810 000 pairs: 26 s on a
#: 2-core machine shared with other jobs, rounded down). The MIP runs only when building
#: it takes at most ``BUILD_SHARE`` of the time left; otherwise the interchange
#: heuristic's medians stand (a decision made from the instance's size and the limit
#: alone, so the run is still reproducible).
BUILD_PAIRS_PER_S = 20_000
BUILD_SHARE = 0.5


def read_tokens(path: Path) -> list[int]:
    """All whitespace-separated integers of ``path`` (a malformed token is a ValueError)."""
    tokens = path.read_text().split()
    try:
        return [int(t) for t in tokens]
    except ValueError:
        bad = next(t for t in tokens if not t.lstrip("+-").isdigit())
        raise ValueError(f"{path}: expected integers only (p-median file), got {bad!r}") from None


def distances(path: Path) -> tuple[np.ndarray, int]:
    """Shortest-path distance matrix and ``p`` of a p-median file.

    Returns
    -------
    dist, p
        ``n x n`` integer distances, and the number of medians.

    Raises
    ------
    ValueError
        Naming the file, for a malformed header, edge list, node index or a graph
        that is not connected.
    """
    values = read_tokens(path)
    if len(values) < 3:
        raise ValueError(f"{path}: expected a header 'n edges p', got {len(values)} numbers")
    n, n_edges, p = values[:3]
    if n < 1 or n_edges < 0 or not 1 <= p <= n:
        raise ValueError(
            f"{path}: expected header 'n edges p' with 1 <= p <= n, got {n} {n_edges} {p}"
        )
    body = values[3:]
    if len(body) != 3 * n_edges:
        raise ValueError(
            f"{path}: expected {n_edges} edges 'i j cost' ({3 * n_edges} "
            f"numbers) after the header, got {len(body)} numbers"
        )
    edges = np.array(body, dtype=np.int64).reshape(n_edges, 3)
    ends = edges[:, :2]
    if ends.size and (ends.min() < 1 or ends.max() > n):
        raise ValueError(f"{path}: expected node numbers 1..{n} in the edges")
    if (edges[:, 2] < 0).any():
        raise ValueError(f"{path}: expected non-negative edge costs")
    i, j = ends[:, 0] - 1, ends[:, 1] - 1
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    # The last occurrence of an edge holds: the first of each key in reversed order.
    _, first_reversed = np.unique((lo * n + hi)[::-1], return_index=True)
    keep = n_edges - 1 - first_reversed
    graph = np.full((n, n), np.inf)
    graph[lo[keep], hi[keep]] = edges[keep, 2]
    graph[hi[keep], lo[keep]] = edges[keep, 2]
    np.fill_diagonal(graph, np.inf)
    dist = shortest_path(csgraph_from_dense(graph, null_value=np.inf), directed=False)
    if np.isinf(dist).any():
        raise ValueError(f"{path}: expected a connected graph, some nodes cannot reach others")
    return dist.astype(np.int64), p


def read_instance(path: Path) -> FacilityModel:
    """The p-median file as a facility model (all ``n x n`` pairs, ``p`` open).

    Raises
    ------
    ValueError
        Naming the file and what was expected, for malformed input.
    """
    return median_model(*distances(Path(path)))


def median_model(dist: np.ndarray, p: int) -> FacilityModel:
    """The p-median of a distance matrix: every node a customer and a free candidate."""
    n = len(dist)
    customer, facility = np.divmod(np.arange(n * n, dtype=np.int64), n)
    return FacilityModel(
        open_cost=np.zeros(n, dtype=np.int64),
        capacity=None,
        demand=np.ones(n, dtype=np.int64),
        pair_customer=customer,
        pair_facility=facility,
        pair_cost=dist.ravel(),
        p=p,
    )


def interchange(dist: np.ndarray, p: int, *, deadline: float | None = None) -> np.ndarray:
    """``p`` medians by greedy addition, then vertex substitution (Teitz and Bart 1968).

    Each round tries every open median in turn and swaps it for the node that lowers
    the total distance most, until no swap improves or, past ``deadline`` (a
    ``time.perf_counter()`` value), at the end of the round.

    Returns
    -------
    numpy.ndarray
        The sorted indices of the medians.
    """
    d = dist.astype(float)
    medians: list[int] = []
    nearest = np.full(len(d), np.inf)
    for _ in range(p):
        total = np.minimum(nearest[:, None], d).sum(axis=0)
        total[medians] = np.inf
        best = int(total.argmin())
        medians.append(best)
        nearest = np.minimum(nearest, d[:, best])
    cost = nearest.sum()
    improved = True
    while improved and (deadline is None or time.perf_counter() < deadline):
        improved = False
        for i in range(p):
            others = medians[:i] + medians[i + 1 :]
            base = d[:, others].min(axis=1) if others else np.full(len(d), np.inf)
            total = np.minimum(base[:, None], d).sum(axis=0)
            total[medians] = np.inf
            best = int(total.argmin())
            if total[best] < cost:
                medians[i], cost, improved = best, total[best], True
    return np.sort(np.array(medians, dtype=np.int64))


def solve_instance(path: Path, time_limit_s: float) -> Outcome:
    """Solve one file within ``time_limit_s`` (reading and the heuristic start included);
    the value is recomputed from the assignment, not the solver's."""
    budget = Budget(time_limit_s)
    dist, p = distances(Path(path))
    model = median_model(dist, p)
    medians = interchange(dist, p, deadline=budget.deadline - budget.reserve_s)
    is_open = np.zeros(len(dist), dtype=bool)
    is_open[medians] = True
    hint = Hint(is_open, medians[dist[:, medians].argmin(axis=1)])
    pairs = len(model.pair_cost)
    if pairs > BUILD_SHARE * time_limit_s * BUILD_PAIRS_PER_S:
        value = float(dist[:, medians].min(axis=1).sum())
        note = f"interchange only: a MIP of {pairs} pairs does not fit {time_limit_s:g} s"
        return Outcome(value, Status.FEASIBLE, note)
    settings = SolveSettings(
        engine=ENGINE,
        workers=WORKERS,
        deterministic_time=None,
        time_limit_s=max(0.1, budget.solver_s() - pairs / BUILD_PAIRS_PER_S),
    )
    result = solve_facility(model, settings, hint)
    if not result.has_solution or (result.choice < 0).any():
        return Outcome(None, Status.NO_SOLUTION)
    medians = np.flatnonzero(result.is_open)
    if len(medians) != model.p or not result.is_open[result.choice].all():
        return Outcome(None, Status.NO_SOLUTION)
    value = float(dist[np.arange(len(dist)), result.choice].sum())
    return Outcome(value, Status(result.status))
