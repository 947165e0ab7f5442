import base64
from datetime import UTC, datetime

import pytest

from services.orders.domain.model import Order
from services.orders.domain.placement import OrderRequest
from services.orders.openapi import EXAMPLE_CANCEL, EXAMPLE_ORDER, openapi_document
from services.orders.views import ORDER_ID_PATTERN, CancelRequest, order_view
from shared.http.cursor import InvalidCursor, decode_cursor, encode_cursor
from shared.http.docs import docs_page


def _order() -> Order:
    details = OrderRequest.model_validate(EXAMPLE_ORDER).model_dump(mode="json")
    return Order.place("ord_abcdefghijklmnopqrst", "shp_a", details, "f" * 64, datetime(2025, 6, 1, tzinfo=UTC))


def test_a_cursor_points_after_the_order_it_was_made_from():
    order = _order()
    assert decode_cursor(encode_cursor(order), ORDER_ID_PATTERN) == (order.created_at, order.id)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "", "not-base64!", _b64('{"t": 1}'), _b64('{"t": "2025-06-01T00:00:00", "id": "ord_abcdefghijklmnopqrst"}'),
    _b64('{"t": "2025-06-01T00:00:00Z", "id": {"$gt": ""}}'),
])
def test_a_cursor_we_did_not_make_is_refused(cursor):
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, ORDER_ID_PATTERN)


def test_an_order_view_shows_the_request_and_the_status():
    view = order_view(_order())
    assert view["status"] == "placed" and view["cancellable"]
    assert view["parcels"][0]["weight_kg"] == "1.25"
    assert view["status_history"][0]["source"] == "shipper"


def test_the_request_examples_are_valid_requests():
    document = openapi_document()
    place = document["paths"]["/v1/orders"]["post"]["requestBody"]["content"]["application/json"]["example"]
    cancel = document["paths"]["/v1/orders/{order_id}/cancel"]["post"]["requestBody"]["content"]["application/json"]
    OrderRequest.model_validate(place)
    CancelRequest.model_validate(cancel["example"])
    assert (place, cancel["example"]) == (EXAMPLE_ORDER, EXAMPLE_CANCEL)


def test_every_schema_reference_resolves():
    document = openapi_document()
    schemas = document["components"]["schemas"]

    def refs(value):
        if isinstance(value, dict):
            if "$ref" in value:
                yield value["$ref"]
            for item in value.values():
                yield from refs(item)
        elif isinstance(value, list):
            for item in value:
                yield from refs(item)

    found = set(refs(document))
    assert found
    assert {ref.rsplit("/", 1)[1] for ref in found} <= set(schemas)


def test_the_docs_page_shows_every_operation_and_escapes_text():
    document = openapi_document()
    page = docs_page(document)
    for path in document["paths"]:
        assert f"<code>{path}</code>" in page
    assert "Shenzhen Bright Gadgets" in page
    assert "<script" not in page
