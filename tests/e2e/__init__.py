"""End-to-end tests: the whole stack as real processes, driven over HTTP."""
