"""Stage 3 of 11: one scenario: problem -> closures -> buses -> assembled Plan; timelines."""
