"""Stage 7 of 11: what goes out of a finished Plan: files, tables, report, route
sheets, notices to parents, maps, compare."""
