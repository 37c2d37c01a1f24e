"""Run the walkthrough from top to bottom and save it with its outputs (``make notebook``).

The notebook is executed in this folder (its paths are relative to it) with the
project's kernel; execution times are not saved, so a rerun on the same plans
changes nothing but what the plans change.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def main(name: str = "walkthrough.ipynb") -> None:
    """Execute ``name`` (in this folder) in place."""
    path = HERE / name
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    nbformat.write(nb, path)
    print(f"saved {path.name} with its outputs")


if __name__ == "__main__":
    main(*sys.argv[1:])
