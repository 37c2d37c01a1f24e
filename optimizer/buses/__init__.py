"""Stage 5 of 11: runs per school, stops, mixed loads, the fleet."""
