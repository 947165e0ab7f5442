"""The orders domain: pure Python, no I/O."""
