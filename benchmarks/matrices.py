"""Travel-time matrix benchmark: the project's matrices against raw csgraph and networkx.

A generated road network of about 100k nodes (a perturbed grid with gaps, mixed
speeds, some one-way links), 1000 villages and 150 schools. In one run it times:

- ours: :func:`geodata.matrices.node_matrix` (village x school, chunked Dijkstra);
- raw: one ``scipy.sparse.csgraph.dijkstra`` call from every village on the same CSR;
- networkx: ``single_source_dijkstra_path_length`` from a sample of villages,
  scaled to all villages.

Targets: ours <= 1.5 x raw; ours >= 10 x faster than networkx. Peak memory of our
call is reported (tracemalloc).
"""

from __future__ import annotations

import time
import tracemalloc

import networkx as nx
import numpy as np
from scipy.sparse.csgraph import dijkstra

from geodata.matrices import node_matrix
from geodata.roads import to_network


def grid_network(side: int = 317, *, seed: int = 7) -> nx.MultiDiGraph:
    """A perturbed ``side x side`` grid road graph (~100k nodes for 317) in WGS84."""
    rng = np.random.default_rng(seed)
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    step = 0.004  # ~400 m
    for i in range(side):
        for j in range(side):
            graph.add_node(
                i * side + j,
                x=118.0 + j * step + rng.normal(0, 0.0005),
                y=36.0 + i * step + rng.normal(0, 0.0005),
            )
    for i in range(side):
        for j in range(side):
            a = i * side + j
            for b in ([a + 1] if j + 1 < side else []) + ([a + side] if i + 1 < side else []):
                if rng.random() < 0.08:  # a gap in the grid
                    continue
                kph = float(rng.choice([20.0, 40.0, 60.0], p=[0.1, 0.6, 0.3]))
                length = 400.0 * (1 + rng.random() * 0.2)
                data = {"length": length, "travel_time": length / (kph / 3.6)}
                graph.add_edge(a, b, **data)
                if rng.random() > 0.03:  # a few one-way links
                    graph.add_edge(b, a, **data)
    return graph


def run(
    *,
    side: int = 317,
    villages: int = 1000,
    schools: int = 150,
    networkx_sample: int = 10,
    seed: int = 7,
) -> dict[str, float]:
    """Time the three ways and print one SUMMARY line; return the numbers."""
    graph = grid_network(side, seed=seed)
    net = to_network(graph, "generated grid")
    rng = np.random.default_rng(seed)
    chosen = rng.choice(net.n_nodes, size=villages + schools, replace=False)
    v_nodes, s_nodes = np.sort(chosen[:villages]), np.sort(chosen[villages:])

    tracemalloc.start()
    started = time.perf_counter()
    ours = node_matrix(net.time_csr, v_nodes, s_nodes)
    ours_s = time.perf_counter() - started
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    started = time.perf_counter()
    raw = dijkstra(net.time_csr, directed=True, indices=v_nodes)[:, s_nodes]
    raw_s = time.perf_counter() - started
    assert np.array_equal(np.isinf(ours), np.isinf(raw))
    assert np.allclose(ours[np.isfinite(ours)], raw[np.isfinite(raw)])

    sample = v_nodes[:networkx_sample]
    started = time.perf_counter()
    for k, source in enumerate(sample):
        lengths = nx.single_source_dijkstra_path_length(
            graph, int(net.node_ids[source]), weight="travel_time"
        )
        row = np.array([lengths.get(int(net.node_ids[t]), np.inf) for t in s_nodes])
        assert np.allclose(row[np.isfinite(row)], ours[k][np.isfinite(ours[k])])
    networkx_s = (time.perf_counter() - started) * villages / len(sample)

    result = {
        "nodes": net.n_nodes,
        "edges": net.time_csr.nnz,
        "ours_s": ours_s,
        "raw_s": raw_s,
        "networkx_s": networkx_s,
        "ratio_raw": ours_s / raw_s,
        "speedup_networkx": networkx_s / ours_s,
        "peak_mb": peak_mb,
    }
    print(
        f"SUMMARY set=matrices nodes={net.n_nodes} edges={net.time_csr.nnz} "
        f"villages={villages} schools={schools} ours_s={ours_s:.2f} raw_s={raw_s:.2f} "
        f"networkx_s={networkx_s:.1f} (from {len(sample)} sources) "
        f"ratio_raw={ours_s / raw_s:.2f} (target <= 1.5) "
        f"speedup_networkx={networkx_s / ours_s:.1f}x (target >= 10) peak_mb={peak_mb:.0f}",
        flush=True,
    )
    return result
