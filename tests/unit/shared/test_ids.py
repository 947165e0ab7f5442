"""Ids: prefixed base32, random or derived from what makes a request unique."""

from __future__ import annotations

import re

import pytest

from shared.ids import derived_id, random_id


def test_a_derived_id_is_the_same_for_the_same_parts_and_differs_otherwise():
    assert derived_id("ord_", "shp_1", "key-1") == derived_id("ord_", "shp_1", "key-1")
    assert derived_id("ord_", "shp_1", "key-1") != derived_id("ord_", "shp_1", "key-2")


def test_a_derived_id_keeps_the_value_orders_already_stored_for_an_idempotency_key():
    # Computed by the code this replaced; a change here would give a retried POST a new order.
    assert derived_id("ord_", "shp_1", "key-1") == "ord_swh7l6ejnqei3myt554e"


@pytest.mark.parametrize("length", [12, 16, 20, 26])
def test_a_random_id_has_the_prefix_and_length_asked_for_in_lower_case_base32(length: int):
    assert re.fullmatch(rf"shp_[a-z2-7]{{{length}}}", random_id("shp_", length))


def test_random_ids_use_as_many_random_bytes_as_the_length_needs():
    asked: list[int] = []

    def token_bytes(n: int) -> bytes:
        asked.append(n)
        return bytes(n)

    assert random_id("x_", 20, token_bytes) == "x_" + "a" * 20
    assert asked == [13]  # 100 bits


def test_a_length_past_what_the_hash_holds_is_refused():
    with pytest.raises(ValueError, match="fewer than 60"):
        derived_id("x_", "a", length=60)
