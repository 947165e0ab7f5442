"""The tracking service's own environment variables, read by bootstrap only."""

from datetime import timedelta

import pytest

from services.tracking.bootstrap import load_options
from services.tracking.manifest import MANIFEST
from services.tracking.options import TrackingOptions
from shared.errors import ConfigError


def test_defaults_fail_closed_for_carriers():
    options = load_options({})
    assert options == TrackingOptions()
    assert options.sf_check_word == "" and options.ups_credential == ""


def test_every_variable_is_read():
    environ = {"SF_CHECK_WORD": "w", "SF_SIGNATURE_MAX_AGE_SECONDS": "60", "UPS_TRACK_ALERT_CREDENTIAL": "c",
               "TRACKING_CARRIER_MAX_BODY_BYTES": "4096", "TRACKING_MAX_SCANS_PER_REQUEST": "7",
               "TRACKING_RATE_LIMIT_PER_SECOND": "2.5", "TRACKING_RATE_LIMIT_BURST": "9",
               "TRACKING_OUTBOX_SWEEP_SECONDS": "2", "TRACKING_OUTBOX_GRACE_SECONDS": "30",
               "TRACKING_VIEW_CACHE_SECONDS": "0.5", "TRACKING_PARKED_TTL_DAYS": "7",
               "TRACKING_PARKED_SWEEP_SECONDS": "60"}
    assert set(environ) == set(MANIFEST.variables)
    assert load_options(environ) == TrackingOptions("w", timedelta(seconds=60), "c", 4096, 7, 2.5, 9, 2.0, 30.0, 0.5,
                                                    timedelta(days=7), 60.0)


def test_parked_scans_are_kept_thirty_days_unless_configured():
    assert load_options({}).parked_ttl == timedelta(days=30)
    assert load_options({"TRACKING_PARKED_TTL_DAYS": "0.5"}).parked_ttl == timedelta(hours=12)
    with pytest.raises(ConfigError, match="TRACKING_PARKED_TTL_DAYS"):
        load_options({"TRACKING_PARKED_TTL_DAYS": "0"})


def test_answers_are_cached_one_second_unless_turned_off():
    assert load_options({}).view_cache_seconds == 1.0
    assert load_options({"TRACKING_VIEW_CACHE_SECONDS": "0"}).view_cache_seconds == 0
    with pytest.raises(ConfigError, match="TRACKING_VIEW_CACHE_SECONDS"):
        load_options({"TRACKING_VIEW_CACHE_SECONDS": "-1"})


def test_bad_values_are_all_named():
    with pytest.raises(ConfigError, match=r"SF_SIGNATURE_MAX_AGE_SECONDS.*TRACKING_RATE_LIMIT_BURST"):
        load_options({"SF_SIGNATURE_MAX_AGE_SECONDS": "soon", "TRACKING_RATE_LIMIT_BURST": "0"})
