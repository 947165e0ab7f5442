"""Recognising the three number kinds, with their check characters."""

import pytest

from services.tracking.domain.numbers import MalformedNumber, recognise


@pytest.mark.parametrize("raw, value, kind", [
    ("PBGWYSWAHCD9N97", "PBGWYSWAHCD9N97", "shipment_id"),
    ("pbgw ysw-ahcd9n97", "PBGWYSWAHCD9N97", "shipment_id"),
    ("SF1234567890128", "SF1234567890128", "sf_waybill"),
    ("sf 1234 5678 9012 8", "SF1234567890128", "sf_waybill"),
    ("1ZCIETST0111111114", "1ZCIETST0111111114", "ups_tracking_number"),
    ("1zcietst0422222228", "1ZCIETST0422222228", "ups_tracking_number"),
])
def test_each_kind_is_recognised_and_normalised(raw, value, kind):
    number = recognise(raw)
    assert (number.value, number.kind) == (value, kind)


@pytest.mark.parametrize("raw, message", [
    ("PBGWYSWAHCD9N98", "check character"),
    ("SF1234567890127", "check character"),
    ("1ZCIETST0111111115", "check character"),
    ("PBGWYSWAHCD9NI7", "not a tracking number"),  # I is not Crockford base32
    ("12345", "not a tracking number"),
    ("", "not a tracking number"),
])
def test_malformed_numbers_say_what_a_valid_one_looks_like(raw, message):
    with pytest.raises(MalformedNumber, match=message) as caught:
        recognise(raw)
    assert "1Z + 16" in str(caught.value)
