import pytest

from services.shipping.bootstrap import load_options
from services.shipping.options import ShippingOptions
from shared.errors import ConfigError


def test_the_relay_sweeps_every_5_s_for_events_older_than_15_s_unless_told_otherwise():
    assert load_options({}) == ShippingOptions(outbox_sweep_seconds=5.0, outbox_grace_seconds=15.0)
    told = load_options({"SHIPPING_OUTBOX_SWEEP_SECONDS": "0.5", "SHIPPING_OUTBOX_GRACE_SECONDS": "30"})
    assert (told.outbox_sweep_seconds, told.outbox_grace_seconds) == (0.5, 30.0)


def test_every_bad_sweeper_setting_is_named():
    with pytest.raises(ConfigError) as error:
        load_options({"SHIPPING_OUTBOX_SWEEP_SECONDS": "often", "SHIPPING_OUTBOX_GRACE_SECONDS": "0"})
    assert "SHIPPING_OUTBOX_SWEEP_SECONDS='often'" in str(error.value)
    assert "SHIPPING_OUTBOX_GRACE_SECONDS=0.0 is outside" in str(error.value)
