"""Stage 9 of 11: the scenario YAML: its schema, ``extends``, validation and settings."""
