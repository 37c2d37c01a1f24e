"""Travel-time and distance matrices over a road network, with scipy's csgraph.

One Dijkstra run from each distinct source node gives a whole row; no per-pair search.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

#: Marks an unreachable pair in integer matrices. Any limit check excludes it.
UNREACHABLE = np.iinfo(np.int32).max


def node_matrix(
    csr: sp.csr_matrix,
    sources: np.ndarray,
    targets: np.ndarray,
    *,
    chunk: int = 256,
    cutoff: float | None = None,
) -> np.ndarray:
    """Shortest-path weights from each source node to each target node (directed).

    Parameters
    ----------
    csr
        Weighted adjacency (row = from, column = to).
    sources, targets
        Node indices.
    chunk
        Sources per Dijkstra call, to bound memory (chunk x n floats).
    cutoff
        Stop each search at this weight: farther targets count as unreachable
        (``inf``), which keeps large networks fast when only near pairs matter.

    Returns
    -------
    numpy.ndarray
        ``float`` array ``len(sources) x len(targets)``, ``inf`` where unreachable.
    """
    sources = np.asarray(sources, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    unique, inverse = np.unique(sources, return_inverse=True)
    rows = np.empty((len(unique), len(targets)))
    for start in range(0, len(unique), chunk):
        block = unique[start : start + chunk]
        rows[start : start + len(block)] = dijkstra(
            csr, directed=True, indices=block, limit=np.inf if cutoff is None else cutoff
        )[:, targets]
    return rows[inverse]


def to_int(matrix: np.ndarray) -> np.ndarray:
    """Round a float matrix to ``int32`` (seconds or metres), ``UNREACHABLE`` for ``inf``."""
    out = np.full(matrix.shape, UNREACHABLE, dtype=np.int32)
    finite = np.isfinite(matrix)
    out[finite] = np.rint(matrix[finite]).astype(np.int32)
    return out


def leg_paths(csr: sp.csr_matrix, legs: list[tuple[int, int]]) -> list[list[int]]:
    """The node sequence of the shortest path of each leg ``(from_node, to_node)``.

    Parameters
    ----------
    csr
        Weighted adjacency.
    legs
        Pairs of node indices.

    Returns
    -------
    list of list of int
        For each leg, its nodes from start to end (``[a]`` when ``a == b``); empty when
        the end is unreachable.
    """
    if not legs:
        return []
    sources = sorted({a for a, _ in legs})
    _, pred = dijkstra(csr, directed=True, indices=sources, return_predecessors=True)
    row = {s: i for i, s in enumerate(sources)}
    paths = []
    for a, b in legs:
        p = pred[row[a]]
        path = [b]
        while path[-1] != a:
            prev = p[path[-1]]
            if prev < 0:
                path = []
                break
            path.append(int(prev))
        paths.append(path[::-1])
    return paths
