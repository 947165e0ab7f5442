"""Long commands show their progress without a terminal: a line per running step, one last line when it ends."""

from __future__ import annotations

import io

from rich.console import Console
from rich.progress import Progress, TextColumn

from shared.progress import LineProgress, progress


def _console(terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=200), out


def test_a_terminal_gets_bars_and_anything_else_gets_lines():
    assert type(progress(_console(True)[0], TextColumn("x"))) is Progress
    assert isinstance(progress(_console(False)[0], TextColumn("x")), LineProgress)


def test_each_report_prints_every_running_step_with_its_count_and_total():
    console, out = _console(False)
    lines = LineProgress(TextColumn("x"), console=console)
    orders = lines.add_task("orders at 10/s", total=300)
    lines.add_task("placed", total=None, detail="delivered=2")
    lines.advance(orders, 120)

    lines.report()

    printed = out.getvalue().splitlines()
    assert [text.rsplit(",", 1)[0] for text in printed] == ["orders at 10/s: 120/300", "placed: 0 delivered=2"]


def test_a_finished_step_is_reported_once_more_and_then_no_longer():
    console, out = _console(False)
    lines = LineProgress(TextColumn("x"), console=console)
    seeded = lines.add_task("trackers seeded", total=5)
    lines.advance(seeded, 5)

    lines.report()
    lines.report()

    assert out.getvalue().count("trackers seeded: 5/5") == 1
