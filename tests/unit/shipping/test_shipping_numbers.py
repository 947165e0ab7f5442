import random
import string

import pytest

from services.shipping.domain.numbers import (
    new_numbers,
    new_shipment_id,
)
from shared.numbers import (
    ISO7064_ALPHABET,
    is_sf_waybill,
    is_shipment_id,
    is_ups_number,
    iso7064_mod37_36,
    luhn_check_digit,
    ups_check_digit,
)


@pytest.mark.parametrize("number", ["1Z999AA10123456784", "1ZCIETST0111111114", "1ZCIETST0422222228"])
def test_ups_published_examples_have_valid_check_digits(number):
    assert ups_check_digit(number[2:-1]) == number[-1]
    assert is_ups_number(number)


def test_a_wrong_ups_check_digit_is_refused():
    assert not is_ups_number("1Z999AA10123456785")


def test_iso7064_mod37_36_matches_the_published_grid_example():
    # GRid (Global Release Identifier) A1-2425G-ABC1234002-M uses ISO 7064 MOD 37,36.
    assert iso7064_mod37_36("A12425GABC1234002") == "M"


def test_luhn_matches_the_textbook_example():
    assert luhn_check_digit("7992739871") == "3"


def test_new_numbers_have_the_documented_shapes():
    numbers = new_numbers(random.Random(1).randrange, "express")
    assert numbers.shipment_id.startswith("PB") and len(numbers.shipment_id) == 15
    assert is_shipment_id(numbers.shipment_id)
    assert numbers.sf_waybill.startswith("SF") and len(numbers.sf_waybill) == 15
    assert is_sf_waybill(numbers.sf_waybill)
    assert numbers.ups_tracking_number.startswith("1ZPB8J2402")  # account + express service indicator
    assert len(numbers.ups_tracking_number) == 18
    assert is_ups_number(numbers.ups_tracking_number)


def test_shipment_ids_carry_sixty_random_bits_and_are_not_sequential():
    ids = [new_shipment_id(random.Random(seed).randrange) for seed in range(500)]
    assert len(set(ids)) == 500
    assert ids != sorted(ids)
    assert new_shipment_id(lambda bound: bound - 1) == "PB" + "Z" * 12 + iso7064_mod37_36("PB" + "Z" * 12)
    assert (32**12).bit_length() - 1 == 60


def test_every_single_character_error_in_a_shipment_id_is_detected():
    shipment_id = new_shipment_id(random.Random(3).randrange)
    for position in range(2, len(shipment_id)):
        for char in ISO7064_ALPHABET:
            if char != shipment_id[position]:
                typo = shipment_id[:position] + char + shipment_id[position + 1:]
                assert not is_shipment_id(typo), typo


def test_nearly_every_adjacent_transposition_in_a_shipment_id_is_detected():
    swaps = undetected = 0
    for seed in range(300):
        shipment_id = new_shipment_id(random.Random(seed).randrange)
        for position in range(2, len(shipment_id) - 1):
            swapped = (shipment_id[:position] + shipment_id[position + 1] + shipment_id[position]
                       + shipment_id[position + 2:])
            if swapped != shipment_id:
                swaps += 1
                undetected += is_shipment_id(swapped)
    assert undetected / swaps < 0.005  # MOD 37,36 misses a few swaps; MOD 37,2 would add a second char


@pytest.mark.parametrize("value", ["", "PB", "pbgwyswahcd9n97", "XX" + "A" * 13, "PB" + "I" * 12 + "0"])
def test_malformed_shipment_ids_are_refused(value):
    assert not is_shipment_id(value)


def test_sf_waybill_check_digit_catches_a_typo():
    waybill = new_numbers(random.Random(5).randrange, "standard").sf_waybill
    last = waybill[-2]
    typo = waybill[:-2] + next(d for d in string.digits if d != last) + waybill[-1]
    assert is_sf_waybill(waybill)
    assert not is_sf_waybill(typo)
