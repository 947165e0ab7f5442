"""The tracking repositories against the real FerretDB: the behaviour their one-round-trip queries must keep."""

from datetime import UTC, datetime, timedelta

import pytest

from services.tracking import handlers
from services.tracking.adapters.repository import PARKED, ParkedScan
from services.tracking.chores.parked_sweep import ParkedSweep
from shared.errors import BusinessRuleViolation

pytestmark = pytest.mark.integration
PARKED_AT = datetime(2025, 5, 1, 10, 0, tzinfo=UTC)


def test_numbers_added_again_for_their_shipment_are_kept_and_another_shipment_is_refused(service):
    aliases = service.aliases()
    aliases.add("JV1", ["JV1", "SF1", "1Z1"])
    aliases.add("JV1", ["JV1", "SF1", "1Z1"])  # a redelivered booking

    with pytest.raises(BusinessRuleViolation, match="SF1 already belongs to shipment JV1"):
        aliases.add("JV2", ["JV2", "SF1", "1Z2"])
    assert service.aliases().resolve(["JV1", "SF1", "1Z1", "JV2", "1Z2"]) == {
        "JV1": "JV1", "SF1": "JV1", "1Z1": "JV1", "JV2": "JV2", "1Z2": "JV2"}


def test_the_scans_parked_for_several_numbers_are_found_together_and_only_theirs(service):
    parked = service.parked()
    scans = [ParkedScan(number, scan_id, {"carrier": "sf"}, PARKED_AT)
             for number, scan_id in (("SF1", "a"), ("SF1", "b"), ("1Z1", "c"), ("SF10", "d"), ("SF2", "e"))]
    parked.park(scans)

    assert sorted(s.key for s in parked.parked_for(["SF1", "1Z1"])) == ["1Z1|c", "SF1|a", "SF1|b"]
    assert [s.key for s in parked.parked_for(["SF10"])] == ["SF10|d"]
    assert parked.parked_for([]) == []


def test_the_sweep_deletes_only_scans_parked_longer_than_the_ttl_in_one_delete_on_an_indexed_field(service):
    parked = service.parked()
    ages = {"SF1|old": timedelta(days=45), "SF1|edge": timedelta(days=30), "1Z1|young": timedelta(days=2)}
    now = PARKED_AT + timedelta(days=60)
    parked.park([ParkedScan(*key.split("|"), {"carrier": "sf_express"}, now - age) for key, age in ages.items()])
    sweep = ParkedSweep(service.parked(), timedelta(days=30), interval=3600, clock=lambda: now)

    sweep()
    sweep()  # not due again: the second relay pass costs no store command

    assert sorted(s.key for s in parked.parked_for(["SF1", "1Z1"])) == ["1Z1|young", "SF1|edge"]
    indexed = [list(spec["key"]) for spec in service.database()[PARKED].list_indexes()]
    assert ["parked_at"] in indexed
    assert handlers.expire_parked(service.parked(), timedelta(days=1), lambda: now) == 2


def test_a_scan_parked_before_parked_at_existed_is_still_released_and_never_expired(service):
    service.database()[PARKED].insert_one({"_id": "SF7|old", "carrier_number": "SF7", "scan_id": "old",
                                           "data": '{"carrier": "sf_express"}'})
    assert handlers.expire_parked(service.parked(), timedelta(days=30), lambda: PARKED_AT) == 0
    assert [(s.key, s.parked_at) for s in service.parked().parked_for(["SF7"])] == [("SF7|old", None)]
