"""The console's actions and reads, as plain functions with their dependencies passed in (one module a concern).

Routes and the CLI call them; none of them knows Flask, the composition root, or the request.
"""

from services.console.handlers import alerts, dead_letters, groups, operators, pipeline, records, topics

__all__ = ["alerts", "dead_letters", "groups", "operators", "pipeline", "records", "topics"]
