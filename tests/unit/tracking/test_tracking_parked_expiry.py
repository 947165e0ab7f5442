"""Parked scans whose number is never booked expire after the configured time (issue 12 item 5)."""

from datetime import timedelta

from prometheus_client import REGISTRY

from services.tracking import handlers
from services.tracking.carriers.sf.parse import parse
from services.tracking.chores.parked_sweep import ParkedSweep

TTL = timedelta(days=30)


def _push(number: str, op: str, time: str) -> dict:
    return {"Body": {"WaybillRoute": [{"id": f"{number}-{op}", "mailno": number, "acceptTime": time,
                                       "acceptAddress": "深圳市", "remark": "顺丰速运 已收取快件", "opCode": op}]}}


def _ingest_unknown(deps, number: str, op: str, time: str) -> None:
    assert handlers.ingest(parse(_push(number, op, time)).scans, deps).parked == 1


def _expired_total() -> float:
    return REGISTRY.get_sample_value("parcelbridge_tracking_parked_expired_total") or 0.0


def test_scans_parked_longer_than_the_ttl_are_dropped_and_counted_and_younger_ones_kept(deps, parked, clock):
    _ingest_unknown(deps, "SF9990000000011", "50", "2025-05-01 10:00:00")  # parked at the clock's start
    clock.tick(timedelta(days=20).total_seconds())
    _ingest_unknown(deps, "SF9990000000022", "54", "2025-05-21 09:00:00")
    clock.tick(timedelta(days=10, seconds=1).total_seconds())  # the first is now 30 days and a second old
    before = _expired_total()

    assert handlers.expire_parked(parked, TTL, clock) == 1

    assert [s.carrier_number for s in parked.scans.values()] == ["SF9990000000022"]
    assert _expired_total() - before == 1


def test_a_scan_exactly_at_the_ttl_is_kept(deps, parked, clock):
    _ingest_unknown(deps, "SF9990000000033", "50", "2025-05-01 10:00:00")
    clock.tick(TTL.total_seconds())
    assert handlers.expire_parked(parked, TTL, clock) == 0 and len(parked.scans) == 1


def test_the_sweep_runs_at_most_once_an_interval_however_often_the_relay_passes(deps, parked, clock):
    elapsed = [0.0]  # the monotonic clock, in seconds
    sweep = ParkedSweep(parked, TTL, interval=3600, clock=clock, monotonic=lambda: elapsed[0])
    _ingest_unknown(deps, "SF9990000000044", "50", "2025-05-01 10:00:00")
    clock.tick(TTL.total_seconds() + 1)

    sweep()  # due at once on start
    assert parked.scans == {}
    _ingest_unknown(deps, "SF9990000000055", "50", "2025-05-31 10:00:00")
    clock.tick(TTL.total_seconds() + 1)
    elapsed[0] = 3599
    sweep()
    assert len(parked.scans) == 1  # not due yet: one delete an interval, not one a relay pass
    elapsed[0] = 3600
    sweep()
    assert parked.scans == {}
