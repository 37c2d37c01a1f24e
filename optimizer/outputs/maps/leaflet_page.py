"""Offline Leaflet pages from folium maps: assets inlined, no CDN, the same bytes each time.

Everything a page needs is inside it: Leaflet's JavaScript and CSS (with the images
the CSS uses as data URIs) and jQuery come from the ``XStatic-Leaflet`` and
``XStatic-jQuery`` packages, folium's CDN links are removed, and folium's random
element ids are replaced by sequential ones. Optional OpenStreetMap tiles are the
only thing such a page ever fetches.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

import folium
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
from branca.element import Element, MacroElement
from folium.template import Template

_ASSETS_PLACEHOLDER = "<!-- schoolplan:inline-assets -->"
_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9A-Za-z])")
_CSS_IMAGE = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9_.-]+\.png)\1\)")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def esc(value: object) -> str:
    """HTML-escape text that folium places inside a JavaScript template literal."""
    return (
        html.escape(str(value), quote=True)
        .replace("`", "&#96;")
        .replace("$", "&#36;")
        .replace("\\", "&#92;")
    )


class _MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only (folium's also shows miles)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({imperial: false, metric: true}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )


def base_map(
    bounds: Sequence[Sequence[float]], *, tiles: bool, tiles_name: str = "OpenStreetMap"
) -> folium.Map:
    """An empty map without any CDN link, fitted to ``bounds`` ([[s, w], [n, e]])."""
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    fmap = folium.Map(location=centre, zoom_start=11, tiles=None, control_scale=False)
    _MetricScale().add_to(fmap)  # km only: a county bureau reads no miles
    fmap.default_js = []
    fmap.default_css = []
    if tiles:
        folium.TileLayer(
            tiles=OSM_TILES,
            name=tiles_name,
            attr="© OpenStreetMap contributors",
            max_zoom=19,
            overlay=False,
            control=True,
        ).add_to(fmap)
    fmap.fit_bounds([list(bounds[0]), list(bounds[1])], padding=(20, 20), max_zoom=16)
    return fmap


def finish_page(
    fmap: folium.Map, *, title: str, language: str, css: str, boxes: Sequence[str]
) -> str:
    """The map as one offline HTML page.

    Parameters
    ----------
    fmap : folium.Map
        The map with all its layers.
    title : str
        The page title (plain text).
    language : str
        The ``lang`` of the page.
    css : str
        A ``<style>`` element for the page.
    boxes : sequence of str
        HTML fragments placed over the map (title box, legend).

    Returns
    -------
    str
        The page; deterministic, and loading nothing but optional tiles.

    Raises
    ------
    RuntimeError
        If the page would still load anything from the network (a folium change).
    """
    _AttributionPrefix().add_to(fmap)
    figure = fmap.get_root()
    figure.title = html.escape(title)
    figure.header.add_child(Element(_ASSETS_PLACEHOLDER), name="schoolplan_assets")
    figure.header.add_child(Element(css), name="schoolplan_css")
    for n, box in enumerate(boxes):
        figure.html.add_child(Element(box), name=f"schoolplan_box_{n}")
    page = _sequential_ids(figure.render())
    page = page.replace("<html>", f'<html lang="{html.escape(language)}">', 1)
    page = page.replace(_ASSETS_PLACEHOLDER, _inline_assets(), 1)
    remote = external_references(page)
    if remote:
        raise RuntimeError(f"the map would load remote resources: {remote}")
    return page


def external_references(page: str) -> list[str]:
    """The ``src``/``href`` attribute values of a page that point to the network.

    Parameters
    ----------
    page : str
        An HTML document.

    Returns
    -------
    list of str
        Every ``src`` or ``href`` value starting with ``http://``, ``https://`` or
        ``//``, in document order (empty for an offline page).
    """
    parser = _LinkCollector()
    parser.feed(page)
    parser.close()
    return [v for v in parser.values if v.strip().lower().startswith(("http:", "https:", "//"))]


class _LinkCollector(HTMLParser):
    """Collects every ``src`` and ``href`` attribute value."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.values.extend(v or "" for k, v in attrs if k in ("src", "href"))


class _AttributionPrefix(MacroElement):
    """Credit Leaflet in plain text: its default prefix links to a web site."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.setPrefix('Leaflet');"
        "{% endmacro %}"
    )


def _sequential_ids(page: str) -> str:
    """Replace folium's random hex element ids by 1, 2, ... in order of first use."""
    ids: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return ids.setdefault(match.group(0), str(len(ids) + 1))

    return _FOLIUM_ID.sub(number, page)


def _inline_assets() -> str:
    """Leaflet's CSS (images as data URIs), jQuery and Leaflet as inline elements."""
    leaflet = Path(xstatic.pkg.leaflet.BASE_DIR)
    jquery = Path(xstatic.pkg.jquery.BASE_DIR)

    def data_uri(match: re.Match[str]) -> str:
        png = (leaflet / match.group(2)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode('ascii')})"

    css = _CSS_IMAGE.sub(data_uri, (leaflet / "leaflet.css").read_text(encoding="utf-8"))
    scripts = [
        (jquery / "jquery.min.js").read_text(encoding="utf-8"),
        (leaflet / "leaflet.js").read_text(encoding="utf-8"),
    ]
    parts = [f"<style>\n{css}\n</style>"]
    parts += [f"<script>\n{_script_safe(_SOURCE_MAP.sub('', js))}\n</script>" for js in scripts]
    return "\n".join(parts)


def _script_safe(js: str) -> str:
    """JavaScript that cannot end its inline ``<script>`` element early."""
    return js.replace("</script", "<\\/script")
