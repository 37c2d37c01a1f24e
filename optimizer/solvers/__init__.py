"""Stage 10 of 11: generic cores (facility location, VRP, chaining): no school words."""
