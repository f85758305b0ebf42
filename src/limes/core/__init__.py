"""Shared primitives with no I/O: clock, errors, countries, names, dates, documents."""
