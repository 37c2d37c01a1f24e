"""Stage 2 of 11 (below ``cli``): many variants of one scenario at once (Dask), compared.

``variants`` (``--vary`` options and the grid), ``run`` (plan each variant, write the folder),
``result`` (what came of a variant), ``report`` (``sweep.csv``, ``sweep.html``, the Pareto view),
``frontier`` (the scenario under a cap of 0, 1, 2, ... closures), ``frontier_view`` (its files).
"""
