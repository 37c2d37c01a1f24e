"""outputs.maps."""
