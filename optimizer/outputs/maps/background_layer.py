"""The web map's offline background: water, land use and place names from the region's OSM file.

Drawn from a :class:`geodata.background.Background` as a low, non-interactive layer
(its own pane under every plan layer): one multi-polygon per kind of cover, one
multi-line for the waterways; the place names become labels (towns from the county
zoom, villages and hamlets closer, and only those the villages table does not
already name). The attribution names the file the background comes from, or says why
there is no background (a GraphML road graph holds no features).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import folium
from branca.element import MacroElement
from folium.template import Template

from geodata.background import Background, Cover
from optimizer.outputs.maps.finder import Place, PlaceFinder, PlaceKind

#: The pane of the background (under Leaflet's overlay pane, 400).
PANE = "sp-background"
PANE_Z = 250
#: Fill (and stroke) of each kind of cover.
COVER_FILL = MappingProxyType(
    {
        Cover.RESIDENTIAL: "#e4dcd3",
        Cover.FARMLAND: "#eef2d0",
        Cover.FOREST: "#c9e2b8",
        Cover.WATER: "#a9d3f2",
        Cover.RIVER: "#6fb2e4",
    }
)
#: Drawing order, lowest first.
ORDER = (Cover.RESIDENTIAL, Cover.FARMLAND, Cover.FOREST, Cover.WATER)
#: A place name within this distance of a village of the table is left out (metres).
SAME_PLACE_M = 400.0


def add_background(
    group: folium.FeatureGroup,
    finder: PlaceFinder,
    background: Background,
    villages: Sequence[tuple[str, float, float]],
    language: str,
) -> None:
    """Draw ``background`` into ``group`` and give ``finder`` its place names.

    ``villages`` are the table's villages as (name, lon, lat): their names are shown
    already, so OSM places named like them, or near them, get no second label.
    """
    for cover in ORDER:
        polygons = [
            [[[lat, lon] for lon, lat in ring] for ring in area.rings]
            for area in background.areas
            if area.cover is cover
        ]
        if polygons:
            style = {
                "color": COVER_FILL[cover],
                "weight": 1 if cover is Cover.WATER else 0.5,
                "fillColor": COVER_FILL[cover],
                "fillOpacity": 0.8 if cover is Cover.WATER else 0.6,
                "className": f"sp-bg sp-bg-{cover}",
            }
            _Paths("polygon", polygons, style).add_to(group)
    rivers = [[[lat, lon] for lon, lat in line.points] for line in background.lines]
    if rivers:
        style = {"color": COVER_FILL[Cover.RIVER], "weight": 2, "opacity": 0.9}
        _Paths("polyline", rivers, {**style, "className": "sp-bg sp-bg-river"}).add_to(group)
    named = {name.casefold() for name, _, _ in villages}
    for place in background.places:
        name = place.name_zh if language == "zh" and place.name_zh else place.name
        if name.casefold() in named or _near(place.lon, place.lat, villages):
            continue
        kind = PlaceKind.TOWN if place.place in ("city", "town") else PlaceKind.LOCALITY
        finder.add(Place(kind, "", name, place.lat, place.lon, "null", group.get_name()))


def _near(lon: float, lat: float, villages: Sequence[tuple[str, float, float]]) -> bool:
    k = math.cos(math.radians(lat))
    return any(
        math.hypot((vlon - lon) * k, vlat - lat) * 111_200 < SAME_PLACE_M
        for _, vlon, vlat in villages
    )


class _Paths(MacroElement):
    """One Leaflet multi-polygon or multi-polyline in the background pane, not interactive
    (folium's own classes take no multi-polygon with holes)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.{{ this.kind }}({{ this.coords }}, {{ this.style }})"
        ".addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, kind: str, coords: list, style: Mapping[str, object]) -> None:
        super().__init__()
        self._name = "BackgroundPaths"
        self.kind = kind
        self.coords = json.dumps(coords, separators=(",", ":"))
        options = {**style, "pane": PANE, "interactive": False, "fill": kind == "polygon"}
        self.style = json.dumps(options, sort_keys=True)


def legend_covers(background: Background | None) -> list[Cover]:
    """The kinds of cover the background draws, in the legend's order."""
    if background is None:
        return []
    shown = {a.cover for a in background.areas} | {w.cover for w in background.lines}
    order = (Cover.WATER, Cover.RIVER, Cover.FOREST, Cover.FARMLAND, Cover.RESIDENTIAL)
    return [c for c in order if c in shown]


class Attribution(MacroElement):
    """A line of plain text in the map's attribution (no link)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.words }});"
        "{% endmacro %}"
    )

    def __init__(self, words: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.words = json.dumps(
            words.replace("&", "&amp;").replace("<", "&lt;"), ensure_ascii=False
        ).replace("</", "<\\/")


def attribution(background: Background | None, text: Mapping[str, str]) -> str:
    """The attribution words: the credit, or why there is no background ("" without one)."""
    if background is None or (background.available and background.empty):
        return ""
    if not background.available:
        return text["background.none"].format(file=background.source)
    return text["background.credit"].format(file=background.source)
