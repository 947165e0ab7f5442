"""Webhooks, deliveries and their rules: pure Python, no I/O."""
