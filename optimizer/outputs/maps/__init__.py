"""The maps of :mod:`optimizer.outputs`: the offline web map (folium) and the print map
(``static``, laid out on its sheet by ``sheet``, named by ``names``)."""
