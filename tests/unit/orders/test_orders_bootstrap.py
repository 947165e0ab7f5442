"""The orders relay's sweeper settings, read from the environment by the bootstrap only."""

import pytest

from services.orders.bootstrap import SweeperSettings, load_sweeper_settings
from shared.errors import ConfigError


def test_the_sweeper_looks_every_5_seconds_at_events_left_15_seconds_unless_told_otherwise():
    assert load_sweeper_settings({}) == SweeperSettings(interval=5.0, grace=15.0)
    told = load_sweeper_settings({"ORDERS_OUTBOX_SWEEP_SECONDS": "2", "ORDERS_OUTBOX_GRACE_SECONDS": "30"})
    assert told == SweeperSettings(interval=2.0, grace=30.0)


def test_bad_sweeper_settings_are_named_together():
    with pytest.raises(ConfigError) as error:
        load_sweeper_settings({"ORDERS_OUTBOX_SWEEP_SECONDS": "soon", "ORDERS_OUTBOX_GRACE_SECONDS": "0"})
    assert "ORDERS_OUTBOX_SWEEP_SECONDS" in str(error.value) and "ORDERS_OUTBOX_GRACE_SECONDS" in str(error.value)
