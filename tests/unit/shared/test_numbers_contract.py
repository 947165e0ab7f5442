"""The parcel-number contract both shipping and tracking read: one shape per kind, then its check character."""

from __future__ import annotations

import pytest

from shared.numbers import check_matches, is_valid, shape_of

VALID = {"shipment_id": "PBGWYSWAHCD9N97", "sf_waybill": "SF1234567890128", "ups_tracking_number": "1ZCIETST0111111114"}


@pytest.mark.parametrize(("kind", "value"), VALID.items())
def test_each_kind_is_known_by_its_shape_and_its_check_character_matches(kind, value):
    assert shape_of(value) == kind and check_matches(kind, value) and is_valid(kind, value)


@pytest.mark.parametrize(("kind", "value"), VALID.items())
def test_a_wrong_last_character_keeps_the_shape_but_fails_the_check(kind, value):
    typo = value[:-1] + ("0" if value[-1] != "0" else "1")

    assert shape_of(typo) == kind and not is_valid(kind, typo)


@pytest.mark.parametrize("value", ["PBIWYSWAHCD9N97", "SF123456789012", "1Z12345", "pbgwyswahcd9n97", ""])
def test_other_shapes_are_no_kind(value):
    assert shape_of(value) is None
