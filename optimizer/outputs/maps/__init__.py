"""The maps of :mod:`optimizer.outputs`: the offline web map (folium) and the print map."""
