"""The kinds of values the input tables carry: grade bands, school levels, ownership.

Each is a ``StrEnum``: a member equals its plain text (``Band.P13 == "p13"``), so it
reads from a table cell, keys a mapping and writes to JSON or CSV as that text.
"""

from __future__ import annotations

from enum import StrEnum


class Band(StrEnum):
    """A grade band: kindergarten, grades 1-3, grades 4-6, grades 7-9."""

    K = "k"
    P13 = "p13"
    P46 = "p46"
    J79 = "j79"


class Level(StrEnum):
    """What a school teaches: kindergarten, primary, junior secondary, or nine-year."""

    KINDERGARTEN = "kindergarten"
    PRIMARY = "primary"
    JUNIOR = "junior"
    NINE_YEAR = "nine_year"


class Ownership(StrEnum):
    """Who runs a school: public, private with public subsidy (inclusive), or private."""

    PUBLIC = "public"
    PRIVATE_INCLUSIVE = "private_inclusive"
    PRIVATE = "private"


#: The bands in their fixed order (the columns of every ``V x 4`` matrix).
BANDS: tuple[Band, ...] = tuple(Band)
LEVELS: tuple[Level, ...] = tuple(Level)
OWNERSHIPS: tuple[Ownership, ...] = tuple(Ownership)
