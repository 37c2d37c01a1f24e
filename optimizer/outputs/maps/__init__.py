"""The maps of :mod:`optimizer.outputs`: the offline web map (folium) and the print map.

``web`` builds ``map.html`` from ``popups`` (the words in popups), ``finder`` (names by
zoom, the search box), ``route_colours`` and ``routes_layer`` (routes, stops, afternoon
runs), ``background_layer`` (water, land use, place names), ``legend`` and
``leaflet_page`` (offline, deterministic pages); ``static`` is the print map, laid out
on its sheet by ``sheet`` and named by ``names``.
"""
