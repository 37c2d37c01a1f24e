"""Cuts from the router: combinations of village bands that no bus can take together.

The closure model accepts a bus ride when the ride *with the bus's stop* is within the
band's limit (:func:`optimizer.problem.rules.journey`), for each band alone. Where
several bands of one village ride to the same school they board at one stop, and that
stop takes longer (every pupil boarding adds time) while the youngest band's limit
applies to all: the router may then find the direct ride over the limit. The planning
flow asks the router first (:func:`optimizer.buses.runs.overlong_stops`) and, for each
such stop, adds a cut to the closure model::

    sum_(b in bands) x[(village, b), school] <= len(bands) - 1

which forbids exactly the plans in which all those bands ride from that village to that
school (more pupils only make the stop longer), and solves again. Each round cuts the
last answer off, so the rounds end: in a routable plan, or in a closure model with no
plan, whose reason then names the cuts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geodata.kinds import BANDS, Band
from optimizer.closures.pairs import Pairs
from optimizer.closures.side_rules import SideRules


@dataclass(frozen=True)
class Cut:
    """Bands of one village that may not all ride to one school (the router refused them).

    Attributes
    ----------
    village, school
        Village and school indices.
    bands
        The bands riding together (at least one of them must go elsewhere).
    reason
        The router's reason, in words.
    """

    village: int
    school: int
    bands: tuple[Band, ...]
    reason: str


def write_cuts(rules: SideRules, pairs: Pairs, cuts: tuple[Cut, ...]) -> None:
    """Add one row per cut to the side model (pairs the model lacks make a cut moot)."""
    customer = {vb: c for c, vb in enumerate(pairs.customers)}
    pair_of = {
        (int(c), int(s)): k
        for k, (c, s) in enumerate(zip(pairs.pair_customer, pairs.pair_facility, strict=True))
    }
    for cut in cuts:
        ks = [
            pair_of.get((customer.get((cut.village, BANDS.index(band)), -1), cut.school))
            for band in cut.bands
        ]
        if any(k is None for k in ks):
            continue
        rules.side.row([(rules.x(k), 1.0) for k in ks], -np.inf, len(ks) - 1.0)


__all__ = ["Cut", "write_cuts"]
