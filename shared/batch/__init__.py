"""Batch-at-a-time consumption: a poll applied as one unit (see docs/architecture.md)."""
