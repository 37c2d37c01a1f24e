"""Stage 8 of 11: the immutable Problem (numbers only), built from the scenario and the region."""
