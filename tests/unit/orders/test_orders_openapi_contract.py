import copy
import json
from pathlib import Path

from services.orders.openapi import openapi_document
from tests.common.openapi_contract import contract
from tests.common.openapi_kept import lost_promises

# The hand-written document as it stood before the shared builder (issue 15), kept as the contract to honour.
BEFORE = json.loads((Path(__file__).parent / "fixtures" / "openapi-before-issue-15.json").read_text())


def test_the_built_document_keeps_every_operation_parameter_and_required_field():
    assert lost_promises(BEFORE, openapi_document()) == []


def test_the_built_document_publishes_the_orders_and_the_webhook_operations():
    operations = contract(openapi_document()).operations
    assert ("/v1/orders", "post", "201") in operations and ("/v1/webhooks/{webhook_id}", "delete", "204") in operations
    assert ("webhook:parcel.status_changed", "post", "2XX") in operations


def test_a_dropped_required_field_is_reported():
    after = openapi_document()
    after["components"]["schemas"]["OrderRequest"]["required"].remove("customs")
    assert lost_promises(BEFORE, after) == [
        "required at ('post /v1/orders', 'request', 'application/json', '$'): "
        f"{sorted(BEFORE['components']['schemas']['OrderRequest']['required'])} -> "
        f"{sorted(after['components']['schemas']['OrderRequest']['required'])}"
    ]


def test_a_dropped_status_or_parameter_is_reported():
    after = copy.deepcopy(openapi_document())
    del after["paths"]["/v1/orders/{order_id}/cancel"]["post"]["responses"]["409"]
    after["paths"]["/v1/orders"]["get"]["parameters"].pop()
    lost = lost_promises(BEFORE, after)
    assert "operation ('/v1/orders/{order_id}/cancel', 'post', '409')" in lost
    assert any(line.startswith("parameters of ('/v1/orders', 'get')") for line in lost)
    # The rest is the answer's body gone with it: the problem and its field errors.
    assert all("'409', 'application/problem+json'" in line for line in lost[2:]) and len(lost) == 4
