"""External benchmark sets with published optima, and scale runs (`make bench`)."""
