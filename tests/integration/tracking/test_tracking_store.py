"""The tracking repositories against the real FerretDB: the behaviour their one-round-trip queries must keep."""

import pytest

from services.tracking.adapters.repository import ParkedScan
from shared.errors import BusinessRuleViolation

pytestmark = pytest.mark.integration


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
    scans = [ParkedScan(number, scan_id, {"carrier": "sf"})
             for number, scan_id in (("SF1", "a"), ("SF1", "b"), ("1Z1", "c"), ("SF10", "d"), ("SF2", "e"))]
    parked.park(scans)

    assert sorted(s.key for s in parked.parked_for(["SF1", "1Z1"])) == ["1Z1|c", "SF1|a", "SF1|b"]
    assert [s.key for s in parked.parked_for(["SF10"])] == ["SF10|d"]
    assert parked.parked_for([]) == []
