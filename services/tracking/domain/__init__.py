"""Trackers, scans and the rules between them: pure Python, no I/O."""
