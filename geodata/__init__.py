"""Everything geographic that comes *in*: road graphs, places, travel-time matrices."""
