import pytest
from pydantic import ValidationError

from services.orders.domain.placement import OrderRequest, fingerprint, order_id_for_key, random_order_id
from shared.http.body import field_errors
from shared.http.idempotency import InvalidIdempotencyKey, check_idempotency_key

ORDER_ID = r"^ord_[a-z2-7]{20}$"


def _fields_at_fault(body) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        OrderRequest.model_validate(body)
    return {error["field"] for error in field_errors(caught.value)}


def test_the_documented_example_is_a_valid_order(body):
    request = OrderRequest.model_validate(body)
    assert request.customs.export_mode == "9610"
    assert request.recipient.state == "CA"


def test_export_mode_defaults_to_retail_ecommerce_9610(body):
    del body["customs"]["export_mode"]
    assert OrderRequest.model_validate(body).customs.export_mode == "9610"


def test_every_field_at_fault_is_listed_at_once(body):
    body["sender"]["country"] = "US"
    body["recipient"]["zip"] = "9410"
    body["recipient"]["state"] = "ZZ"
    body["parcels"][0]["weight_kg"] = 71
    body["customs"]["items"][0]["hs_code"] = "12345"
    body["customs"]["incoterm"] = "EXW"
    assert _fields_at_fault(body) == {
        "sender.country", "recipient.zip", "recipient.state", "parcels.0.weight_kg",
        "customs.items.0.hs_code", "customs.incoterm",
    }


def test_unknown_top_level_field_is_rejected(body):
    body["priority"] = "high"
    assert _fields_at_fault(body) == {"priority"}


def test_missing_fields_are_each_listed(body):
    del body["sender"], body["service_level"]
    assert _fields_at_fault(body) == {"sender", "service_level"}


@pytest.mark.parametrize("state", ["CA", "DC", "PR", "AE"])
def test_states_territories_and_military_codes_are_accepted(body, state):
    body["recipient"]["state"] = state
    assert OrderRequest.model_validate(body).recipient.state == state


@pytest.mark.parametrize("zip_code", ["94105", "94105-1234", "941051234"])
def test_five_and_nine_digit_zip_codes_are_accepted(body, zip_code):
    body["recipient"]["zip"] = zip_code
    OrderRequest.model_validate(body)


@pytest.mark.parametrize("count", [0, 21])
def test_an_order_has_one_to_twenty_parcels(body, count):
    body["parcels"] = [body["parcels"][0]] * count if count else []
    assert _fields_at_fault(body) == {"parcels"}


def test_what_the_carriers_take_is_left_to_shipping_which_refuses_an_oversize_parcel(body):
    body["parcels"] = [body["parcels"][0], {"weight_kg": 5, "length_cm": 200, "width_cm": 60, "height_cm": 50}]

    assert len(OrderRequest.model_validate(body).parcels) == 2


def test_customs_items_share_one_currency(body):
    item = body["customs"]["items"][0]
    body["customs"]["items"] = [item, {**item, "currency": "CNY"}]
    assert _fields_at_fault(body) == {"customs"}


@pytest.mark.parametrize("count", [0, 101])
def test_customs_has_one_to_a_hundred_items(body, count):
    body["customs"]["items"] = [body["customs"]["items"][0]] * count
    assert _fields_at_fault(body) == {"customs.items"}


def test_recipient_email_is_optional_but_checked(body):
    del body["recipient"]["email"]
    OrderRequest.model_validate(body)
    body["recipient"]["email"] = "not-an-email"
    assert _fields_at_fault(body) == {"recipient.email"}


def test_same_order_has_the_same_fingerprint_whatever_the_key_order(body):
    reordered = dict(reversed(list(body.items())))
    assert fingerprint(OrderRequest.model_validate(body)) == fingerprint(OrderRequest.model_validate(reordered))


def test_a_different_order_has_a_different_fingerprint(body):
    first = fingerprint(OrderRequest.model_validate(body))
    body["parcels"][0]["weight_kg"] = 2
    assert fingerprint(OrderRequest.model_validate(body)) != first


def test_an_idempotency_key_names_one_order_per_shipper():
    assert order_id_for_key("shp_a", "key-1") == order_id_for_key("shp_a", "key-1")
    assert order_id_for_key("shp_a", "key-1") != order_id_for_key("shp_b", "key-1")
    assert order_id_for_key("shp_a", "key-1") != order_id_for_key("shp_a", "key-2")


def test_order_ids_are_prefixed_base32():
    import re

    assert re.match(ORDER_ID, random_order_id())
    assert re.match(ORDER_ID, order_id_for_key("shp_a", "k"))
    assert random_order_id() != random_order_id()


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "ключ"])
def test_unusable_idempotency_keys_are_refused(key):
    with pytest.raises(InvalidIdempotencyKey):
        check_idempotency_key(key)


def test_a_uuid_is_a_fine_idempotency_key():
    assert check_idempotency_key("0b7a3c1e-2f4d-4c8e-9d6a-1b2c3d4e5f60")
