"""Supervision of a stack's service processes: restart with backoff, give up loudly, report restarts and uptime."""
