"""Carrier wire formats: per carrier the same tree (parse, codes, auth); parsing is pure."""
