"""Names on the web map by zoom, and the box that finds a village or school.

Plain JavaScript inlined into the page (no plugin, no CDN). Each village and school
gets a label (a Leaflet ``divIcon`` in its own pane, in the same layer as its
marker, so hiding a layer hides its names); the map's container carries one class
per zoom threshold reached (``sp-z-schools``, ``sp-z-closed``, ``sp-z-villages``,
``sp-z-stops``), set on every ``zoomend``, and the page's CSS shows each kind of
label only under its class. The search box matches what is typed against every
name and id (any case, any script: Chinese too), lists the matches, and on a pick
shows the place's layer, goes there (no animation) and opens its popup. Popups pan clear of the
title box, and the legend folds away from a popup it would cover.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from branca.element import MacroElement
from folium.template import Template

from optimizer.outputs.maps.leaflet_page import esc


class PlaceKind(StrEnum):
    """What a name on the map belongs to (its label's CSS class is ``sp-lbl-<value>``)."""

    VILLAGE = "village"
    SCHOOL = "school"
    CLOSED = "closed"  # a school the plan closes
    TOWN = "town"  # an OSM town or city of the background (not searchable)
    LOCALITY = "locality"  # an OSM village or hamlet of the background (not searchable)


#: The lowest zoom at which each kind of name shows (and, for ``stops``, stop labels).
LABEL_ZOOM = {"towns": 10, "schools": 11, "closed": 12, "stops": 12, "villages": 13}
_ZOOM_CLASS = {
    PlaceKind.TOWN: "towns",
    PlaceKind.SCHOOL: "schools",
    PlaceKind.CLOSED: "closed",
    PlaceKind.VILLAGE: "villages",
    PlaceKind.LOCALITY: "villages",
}

#: The page's CSS for labels and the search box.
FINDER_CSS = (
    ".sp-lbl { background: none; border: none; }\n"
    ".sp-lbl span { position: absolute; left: 9px; top: -9px; white-space: nowrap;"
    " font-size: 11px; line-height: 14px; padding: 0 2px; color: #222;"
    " text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; pointer-events: none; }\n"
    ".sp-lbl-school span { font-weight: bold; font-size: 12px; color: #0d3c6e; }\n"
    ".sp-lbl-closed span { color: #7b1f1f; text-decoration: line-through; }\n"
    ".sp-lbl-town span { font-size: 13px; letter-spacing: 1px; color: #6d5f4b; }\n"
    ".sp-lbl-locality span { font-style: italic; color: #6d5f4b; }\n"
    ".leaflet-marker-icon.sp-lbl, .leaflet-tooltip.sp-num { display: none; }\n"
    + "".join(
        f".sp-z-{z} .leaflet-marker-icon.sp-lbl-{k} {{ display: block; }}\n"
        for k, z in _ZOOM_CLASS.items()
    )
    + ".sp-z-stops .leaflet-tooltip.sp-num { display: block; }\n"
    ".sp-find { margin-top: 5px; position: relative; }\n"
    ".sp-find input { width: 100%; box-sizing: border-box; font-size: 13px; padding: 3px 5px; }\n"
    ".sp-find ul { list-style: none; margin: 2px 0 0 0; padding: 0; max-height: 240px;"
    " overflow-y: auto; background: #fff; border: 1px solid #bbb; }\n"
    ".sp-find ul:empty { display: none; }\n"
    ".sp-find li { padding: 2px 6px; cursor: pointer; white-space: nowrap; }\n"
    ".sp-find li:hover, .sp-find li.sp-on { background: #e3f2fd; }\n"
    ".sp-find li small { color: #666; }\n"
)


def search_box(words: Mapping[str, str]) -> str:
    """The search box's HTML (placed in the title box); ``words``: the map's labels."""
    return (
        '<div class="sp-find"><input id="sp-find-input" type="search" autocomplete="off" '
        f'placeholder="{esc(words["search.placeholder"])}" '
        f'aria-label="{esc(words["search.placeholder"])}">'
        '<ul id="sp-find-list" role="listbox"></ul></div>'
    )


@dataclass(frozen=True)
class Place:
    """A named place: its marker's and layer's JavaScript names and where it is."""

    kind: PlaceKind
    id: str
    name: str
    lat: float
    lon: float
    marker: str
    layer: str
    rank: int = 0  # among places of a kind, a higher rank's label wins a clash


class PlaceFinder(MacroElement):
    """Labels by zoom and the search box's behaviour, for the places added with :meth:`add`.

    Add it to the map after every marker it names (its script refers to them).
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function () {\n"
        "var map = {{ this._parent.get_name() }};\n"
        "var places = {{ this.places_js() }};\n"
        "var words = {{ this.words_js() }};\n"
        "var zooms = {{ this.zooms_js() }};\n" + """map.createPane("sp-labels").style.zIndex = 640;
map.getPane("sp-labels").style.pointerEvents = "none";
var labels = places.map(function (p) {
  var span = document.createElement("span");
  span.textContent = p.n;
  return L.marker(p.ll, {pane: "sp-labels", interactive: false, keyboard: false,
    icon: L.divIcon({className: "sp-lbl sp-lbl-" + p.k, html: span, iconSize: null})
  }).addTo(p.g);
});
function declutter() {
  // In the places' order (towns, then schools by size, then villages), a label that
  // would overlap one already shown is hidden.
  var taken = [];
  labels.forEach(function (m) {
    var el = m.getElement();
    if (!el) return;
    el.style.visibility = "";
    var r = el.firstChild.getBoundingClientRect();
    if (!r.width) return;
    var hit = taken.some(function (t) {
      return r.left < t.right && t.left < r.right && r.top < t.bottom && t.top < r.bottom;
    });
    if (hit) el.style.visibility = "hidden"; else taken.push(r);
  });
}
function zoomed() {
  var z = map.getZoom(), box = map.getContainer();
  Object.keys(zooms).forEach(function (k) {
    L.DomUtil[z >= zooms[k] ? "addClass" : "removeClass"](box, "sp-z-" + k);
  });
  declutter();
}
map.on("zoomend", zoomed);
map.on("moveend overlayadd overlayremove", declutter);
zoomed();
// Popups pan clear of the title box; the legend folds away from a popup it would cover,
// and starts folded on a small screen.
L.Popup.prototype.options.autoPanPaddingTopLeft = L.point(10, 130);
var legend = document.querySelector(".sp-legend");
if (legend && window.innerWidth < 700) legend.open = false;
map.on("popupopen", function (e) {
  var box = e.popup.getElement();
  if (!legend || !legend.open || !box) return;
  var a = box.getBoundingClientRect(), b = legend.getBoundingClientRect();
  if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
    legend.open = false;
});
var input = document.getElementById("sp-find-input");
var list = document.getElementById("sp-find-list");
if (!input) return;
var found = [];
function pick(p) {
  list.innerHTML = "";
  input.value = p.n;
  if (!map.hasLayer(p.g)) map.addLayer(p.g);
  // A jump, not a flight: a popup opened mid-flight stops the flight between two zooms
  // (on a slow machine the map stayed at zoom 12.7, village names hidden).
  map.setView(p.ll, Math.max(Math.round(map.getZoom()), zooms.villages + 1), {animate: false});
  p.m.openPopup();
}
function search() {
  var q = input.value.trim().toLowerCase();
  list.innerHTML = "";
  found = !q ? [] : places.filter(function (p) {
    return p.m && (p.n.toLowerCase().indexOf(q) >= 0 || p.id.toLowerCase().indexOf(q) >= 0);
  }).sort(function (a, b) {
    return (a.k === "village" ? 0 : 1) - (b.k === "village" ? 0 : 1);
  }).slice(0, 15);
  if (q && !found.length) {
    var none = document.createElement("li");
    none.textContent = words.none;
    list.appendChild(none);
  }
  found.forEach(function (p, i) {
    var li = document.createElement("li");
    li.setAttribute("role", "option");
    li.textContent = p.n + " (" + p.id + ") ";
    var kind = document.createElement("small");
    kind.textContent = words[p.k];
    li.appendChild(kind);
    if (i === 0) li.className = "sp-on";
    li.addEventListener("click", function () { pick(p); });
    list.appendChild(li);
  });
}
input.addEventListener("input", search);
input.addEventListener("keydown", function (ev) {
  if (ev.key === "Enter" && found.length) { ev.preventDefault(); pick(found[0]); }
  if (ev.key === "Escape") { list.innerHTML = ""; }
});
})();
"""
        "{% endmacro %}"
    )

    def __init__(self, words: Mapping[str, str]) -> None:
        super().__init__()
        self._name = "PlaceFinder"
        self.places: list[Place] = []
        self.words = {
            "none": words["search.none"],
            **{
                k.value: words[f"search.{k.value}"]
                for k in (PlaceKind.VILLAGE, PlaceKind.SCHOOL, PlaceKind.CLOSED)
            },
        }

    def add(self, place: Place) -> None:
        """Label ``place`` and make it searchable."""
        self.places.append(place)

    def places_js(self) -> str:
        """The places as a JavaScript array (marker and layer by their variable names), in
        the order their labels are placed: towns, schools (kept, then closed), villages,
        other OSM places; larger first."""
        order = list(PlaceKind)
        first = (PlaceKind.TOWN, PlaceKind.SCHOOL, PlaceKind.CLOSED, PlaceKind.VILLAGE)
        order = [*first, *(k for k in order if k not in first)]
        villages_first = sorted(
            self.places, key=lambda p: (order.index(p.kind), -p.rank, p.name, p.id)
        )
        rows = [
            f'{{"k": {_js(p.kind.value)}, "id": {_js(p.id)}, "n": {_js(p.name)}, '
            f'"ll": [{p.lat:.6f}, {p.lon:.6f}], "m": {p.marker}, "g": {p.layer}}}'
            for p in villages_first
        ]
        return "[\n" + ",\n".join(rows) + "\n]"

    def words_js(self) -> str:
        """The words the box shows."""
        return _js(self.words)

    @staticmethod
    def zooms_js() -> str:
        """Zoom thresholds by label class."""
        return _js(LABEL_ZOOM)


def _js(value: object) -> str:
    """JSON that is safe inside an inline ``<script>`` (no ``<``, ``>`` or ``&`` as such)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
