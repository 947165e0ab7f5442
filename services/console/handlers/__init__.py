"""The console's actions and reads, as plain functions with their dependencies passed in (one module a concern).

Routes and the CLI call them; none knows Flask, the request, or the composition root. `projection` holds the
read model's event handlers, `(document or None, event) -> Applied`, which the worker's consumer applies; it is
not imported here, so the web processes do not load it.
"""

from services.console.handlers import alerts, dead_letters, groups, operators, pipeline, records, topics

__all__ = ["alerts", "dead_letters", "groups", "operators", "pipeline", "records", "topics"]
