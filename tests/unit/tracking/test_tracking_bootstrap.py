"""The tracking service's own environment variables, read by bootstrap only."""

from datetime import timedelta

import pytest

from services.tracking.bootstrap import load_options
from services.tracking.domain.reconciliation import LEGS, Thresholds
from services.tracking.manifest import MANIFEST
from services.tracking.options import ReconOptions, TrackingOptions
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
               "TRACKING_PARKED_SWEEP_SECONDS": "60", **RECON_ENVIRON}
    assert set(environ) == set(MANIFEST.variables)
    assert load_options(environ) == TrackingOptions("w", timedelta(seconds=60), "c", 4096, 7, 2.5, 9, 2.0, 30.0, 0.5,
                                                    timedelta(days=7), 60.0, RECON)


RECON_ENVIRON = {
    "UPS_TRACK_API_URL": "http://ups.test", "UPS_CLIENT_ID": "id", "UPS_CLIENT_SECRET": "secret",
    "SF_ROUTE_QUERY_URL": "http://sf.test/std/service", "SF_PARTNER_ID": "P1", "SF_CHECK_PHONE": "1234",
    "TRACKING_RECON_QUIET_FIRST_MILE_SECONDS": "1", "TRACKING_RECON_QUIET_EXPORT_CUSTOMS_SECONDS": "2",
    "TRACKING_RECON_QUIET_AIR_LINEHAUL_SECONDS": "3", "TRACKING_RECON_QUIET_IMPORT_CUSTOMS_SECONDS": "4",
    "TRACKING_RECON_QUIET_LAST_MILE_SECONDS": "5", "TRACKING_RECON_INTERVAL_SECONDS": "0.5",
    "TRACKING_RECON_MAX_PER_PASS": "50", "TRACKING_RECON_RATE_PER_SECOND": "2", "TRACKING_RECON_BURST": "3",
    "TRACKING_RECON_ATTEMPTS": "4", "TRACKING_RECON_BACKOFF_SECONDS": "0.1", "TRACKING_RECON_BACKOFF_CAP_SECONDS": "9",
    "TRACKING_RECON_BREAKER_FAILURES": "2", "TRACKING_RECON_BREAKER_COOL_DOWN_SECONDS": "7",
}
RECON = ReconOptions(Thresholds(*(timedelta(seconds=s) for s in range(1, 6))), 0.5, 50, 2.0, 3, 4, 0.1, 9.0, 2, 7.0,
                     "http://ups.test", "id", "secret", "http://sf.test/std/service", "P1", "1234")


def test_the_poller_waits_a_day_on_the_first_and_last_mile_and_longer_in_customs_unless_configured():
    thresholds = load_options({}).recon.thresholds
    assert [thresholds.of(leg).total_seconds() / 3600 for leg in LEGS] == [24, 48, 36, 48, 24]
    assert load_options({}).recon.ups_url == "" and load_options({}).recon.sf_url == ""  # no carrier polled
    with pytest.raises(ConfigError, match="TRACKING_RECON_QUIET_LAST_MILE_SECONDS"):
        load_options({"TRACKING_RECON_QUIET_LAST_MILE_SECONDS": "0"})


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
