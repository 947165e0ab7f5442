import pytest

from services.shipping.bootstrap import ShippingService, create_shipping_app
from services.shipping.domain.numbers import shipment_id_for_order
from services.shipping.views import ShipmentView
from shared.http.auth import key_hash, new_api_key
from tests.integration.shipping.shipping_store_samples import key_event, order_placed

pytestmark = pytest.mark.integration


@pytest.fixture
def keys(unit):
    issued = {shipper: new_api_key() for shipper in ("shp_a", "shp_b")}
    events = [key_event("shipper.key_issued", key_hash(key), shipper) for shipper, key in issued.items()]
    assert unit.apply(events) == []
    return issued


@pytest.fixture
def client(settings, db):
    return create_shipping_app(ShippingService(settings)).test_client()


@pytest.fixture
def shipment_id(unit):
    assert unit.apply([order_placed()]) == []
    return shipment_id_for_order("ord_001")


def _bearer(key):
    return {"Authorization": f"Bearer {key}"}


def test_the_owning_shipper_reads_its_shipment(client, keys, shipment_id):
    response = client.get(f"/v1/shipments/{shipment_id}", headers=_bearer(keys["shp_a"]))
    assert response.status_code == 200
    view = ShipmentView.model_validate(response.json)  # the response matches the documented schema
    assert view.shipment_id == shipment_id
    assert view.customs.us_entry_type == "01"
    assert [leg.leg for leg in view.legs][-1] == "last_mile"


def test_another_shipper_gets_404_like_a_missing_shipment(client, keys, shipment_id):
    foreign = client.get(f"/v1/shipments/{shipment_id}", headers=_bearer(keys["shp_b"]))
    missing = client.get("/v1/shipments/PBGWYSWAHCD9N97", headers=_bearer(keys["shp_b"]))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json["title"] == missing.json["title"]
    assert client.get(f"/v1/shipments/{shipment_id}/label", headers=_bearer(keys["shp_b"])).status_code == 404


def test_unknown_and_revoked_keys_are_401(client, unit, keys, shipment_id):
    assert client.get(f"/v1/shipments/{shipment_id}", headers=_bearer(new_api_key())).status_code == 401
    unit.apply([key_event("shipper.key_revoked", key_hash(keys["shp_a"]))])
    response = client.get(f"/v1/shipments/{shipment_id}", headers=_bearer(keys["shp_a"]))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_label_is_a_pdf_with_one_page_per_parcel(client, keys, shipment_id):
    response = client.get(f"/v1/shipments/{shipment_id}/label", headers=_bearer(keys["shp_a"]))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert b"/Count 1" in response.data


def test_the_openapi_document_covers_every_route_and_is_structurally_valid(client):
    document = client.get("/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert {"title", "version"} <= set(document["info"])
    routes = {rule.rule.replace("<shipment_id>", "{shipment_id}")
              for rule in client.application.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes == set(document["paths"])
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["responses"] and operation["operationId"]
            for parameter in operation.get("parameters", []):
                assert parameter["in"] == "path" and parameter["required"] is True


def test_readiness_checks_the_store_and_the_broker(client):
    response = client.get("/readyz")
    assert response.json["checks"] == {"kafka": True, "store": True}
