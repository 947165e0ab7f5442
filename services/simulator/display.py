"""What a person watching the simulator sees: a progress bar while it runs and a summary table at the end."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.simulator.runner import Tally
from shared.progress import progress


class ConsoleReporter:
    """Parcels placed, booked and ended; `total` is the order limit (None: unlimited)."""

    def __init__(self, total: int | None, console: Console | None = None):
        self.console = console or Console(stderr=True)
        # Bars on a terminal, a line per counter every few seconds without one (a log file, CI).
        self.progress = progress(self.console, TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[detail]}"), TimeElapsedColumn())
        self.tasks = {name: self.progress.add_task(name, total=total, detail="")
                      for name in ("placed", "booked", "ended")}
        self.ends: dict[str, int] = {}

    def __enter__(self) -> ConsoleReporter:
        self.progress.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.progress.stop()

    def placed(self) -> None:
        self.progress.advance(self.tasks["placed"])

    def booked(self) -> None:
        self.progress.advance(self.tasks["booked"])

    def ended(self, end: str) -> None:
        self.ends[end] = self.ends.get(end, 0) + 1
        detail = " ".join(f"{name}={count}" for name, count in sorted(self.ends.items()))
        self.progress.update(self.tasks["ended"], advance=1, detail=detail)


def summary_table(tally: Tally, outcome: str, seed: int, truth_path: str | None) -> Table:
    table = Table(title=f"simulation {outcome} (seed {seed})", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("count", justify="right")
    rows: list[tuple[str, object]] = [
        ("orders placed", tally.placed), ("orders refused by the API", tally.placement_failures),
        ("shipments booked", tally.booked), ("bookings refused", tally.rejected),
        ("unplayable bookings", tally.unplayable),
        *((f"ended {name}", count) for name, count in sorted(tally.ends.items())),
        *((f"parcels with {label}", count) for label, count in sorted(tally.plots.items())),
        ("carrier events sent", tally.events_sent), ("of which duplicates", tally.duplicates),
        ("parcels with an event never accepted", tally.incomplete),
        ("sent out of order", tally.late), ("batches shuffled", tally.shuffled_batches),
        *((f"requests {name}", count) for name, count in sorted(tally.requests.items())),
        *((f"malformed push {name}", count) for name, count in sorted(tally.malformed.items())),
        *((f"poison record {name}", count) for name, count in sorted(tally.poison.items())),
        ("ground truth", truth_path or "(not written: use --truth PATH)"),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    return table
