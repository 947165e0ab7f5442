"""Counts the commands pymongo sends, per database (command monitoring): what a unit of work costs the store."""

from __future__ import annotations

from collections import Counter

from pymongo import monitoring


class StoreCommands(monitoring.CommandListener):
    """Every command sent to any database since the last `take`, by database and name."""

    def __init__(self) -> None:
        self.seen: Counter[tuple[str, str]] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.seen[(event.database_name, event.command_name)] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def take(self, database: str) -> Counter[str]:
        """The commands sent to `database` since the last take (by name); starts counting afresh."""
        taken = Counter({name: n for (db, name), n in self.seen.items() if db == database})
        self.seen = Counter()
        return taken


def listening() -> StoreCommands:
    """A listener registered for every client made from now on (register before the client is made)."""
    listener = StoreCommands()
    monitoring.register(listener)
    return listener
