"""The roads a path drives along: their names, lengths and hazard segments.

For a route sheet (the bus permit asks for the roads and the dangerous sections of the
approved route): each edge of a path on the drive network, the fastest of parallel
edges as the travel times use it, read for its OSM ``name`` and ``ref`` and for the
hazard kinds the speed model marked (:data:`geodata.roads.HAZARD_ATTR`); consecutive
edges of the same road with the same hazards merge into one stretch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geodata.kinds import Hazard
from geodata.roads import HAZARD_ATTR, RoadNetwork


@dataclass(frozen=True)
class Stretch:
    """A stretch of one road along a path: ``name`` and ``ref`` as OSM has them (empty
    when the way has none), its ``hazards`` (empty: an ordinary road) and length, metres."""

    name: str
    ref: str
    hazards: tuple[Hazard, ...]
    length_m: float


def _text(value: object) -> str:
    """An OSM tag's text; a tag osmnx merged into a list when simplifying, joined by
    ``/`` (each value once, sorted: osmnx's list comes from a set, in no fixed order)."""
    if value is None or (isinstance(value, float) and value != value):  # NaN from GraphML
        return ""
    values = value if isinstance(value, list) else [value]
    return " / ".join(sorted({str(v).strip() for v in values if str(v).strip()}))


def _hazards(value: object) -> tuple[Hazard, ...]:
    """The hazard kinds of an edge (a merged edge: the kinds of all its parts)."""
    parts = value if isinstance(value, list) else [value]
    kinds = {k for p in parts if p for k in str(p).split(",") if k}
    return tuple(h for h in Hazard if h.value in kinds)


def edge_stretch(net: RoadNetwork, a: int, b: int) -> Stretch:
    """The stretch of the fastest edge from node index ``a`` to ``b``."""
    u, v = int(net.node_ids[a]), int(net.node_ids[b])
    edges = net.graph.get_edge_data(u, v) or {}
    data = min((edges[k] for k in sorted(edges)), key=lambda d: float(d.get("travel_time", 0.0)))
    return Stretch(
        name=_text(data.get("name")),
        ref=_text(data.get("ref")),
        hazards=_hazards(data.get(HAZARD_ATTR)),
        length_m=float(net.length_csr[a, b]),
    )


def path_stretches(net: RoadNetwork, paths: Iterable[list[int]]) -> list[Stretch]:
    """The stretches along node-index paths driven one after the other, consecutive
    edges of the same road and hazards merged."""
    out: list[Stretch] = []
    for path in paths:
        for a, b in zip(path, path[1:]):
            piece = edge_stretch(net, a, b)
            last = out[-1] if out else None
            if last is not None and (last.name, last.ref, last.hazards) == (
                piece.name,
                piece.ref,
                piece.hazards,
            ):
                out[-1] = Stretch(last.name, last.ref, last.hazards, last.length_m + piece.length_m)
            else:
                out.append(piece)
    return out
