"""Stage 7 of 11: what goes out of a finished Plan: files, tables, report, maps, compare."""
