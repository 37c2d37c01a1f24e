"""Stage 6 of 11: every rule of a Plan re-checked from the raw inputs, apart from the models."""
