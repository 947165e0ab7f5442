"""Periodic passes the tracking relay runs between its outbox sweeps (no process of their own)."""
