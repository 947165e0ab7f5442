from pathlib import Path

from rich.console import Console

from bench import peer
from bench.config import BenchConfig, quick
from bench.vegeta import Vegeta


def test_no_peer_skips_karrio_and_says_so_in_the_result():
    found = peer.after_ours({"ours": 1}, BenchConfig(peer=False), Console(quiet=True), Vegeta(Path("/nowhere")))
    assert found == {"ours": 1, "peer": None, "comparison": {}}
    assert not peer.failed(found)


def test_a_failed_peer_fails_the_run_and_a_skipped_or_measured_one_does_not():
    assert peer.failed({"peer": {"failed": True, "error": "gunicorn exited 3"}})
    assert not peer.failed({"peer": {"profile": "postgres"}})
    assert not peer.failed({})


def test_quick_keeps_the_peer_with_small_steps_so_the_ratio_still_shows():
    config = quick(BenchConfig())
    assert config.peer
    assert config.stored_trackers == 5_000
    assert len(config.read_rates) == 2 and len(config.order_rates) == 2
