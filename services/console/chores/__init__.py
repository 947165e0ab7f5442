"""Periodic passes the console relay runs (the sampler: lag, snapshots, alerts)."""
