import pytest
from flask import request

from services.shipping.adapters.repository import SHIPMENTS, shipment_fields
from services.shipping.api import shipping_blueprint
from services.shipping.domain.booking import book
from services.shipping.domain.numbers import new_numbers
from services.shipping.openapi import openapi_document
from services.shipping.views import ShipmentView
from shared.http.app import create_app
from shared.http.problems import Problem
from shared.probes import BoundedReadiness
from tests.unit.shipping.shipping_samples import NOW, make_order


@pytest.fixture
def shipment(store):
    booked = book(make_order(), NOW, lambda: new_numbers(lambda bound: 42, "standard"))
    store.documents(SHIPMENTS)[booked.shipment_id] = {"_id": booked.shipment_id, "version": 1,
                                                      **shipment_fields(booked)}
    return booked


@pytest.fixture
def client(shipments):
    class Stores:
        def shipments(self):
            return shipments

        def caller(self):
            shipper = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if not shipper:
                raise Problem(401, "Unauthorized")
            return shipper

    blueprint = shipping_blueprint(Stores())
    app = create_app("shipping", [blueprint], readiness=BoundedReadiness({"store": lambda: True}), max_body_bytes=4096)
    return app.test_client()


def _as(shipper):
    return {"Authorization": f"Bearer {shipper}"}


def test_the_owner_reads_its_shipment(client, shipment):
    response = client.get(f"/v1/shipments/{shipment.shipment_id}", headers=_as("shp_a"))
    assert response.status_code == 200
    body = ShipmentView.model_validate(response.json)
    assert body.tracking_numbers.ups == shipment.ups_tracking_number
    assert body.customs.us_entry_type == "11"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_another_shippers_shipment_answers_like_a_missing_one(client, shipment):
    other = client.get(f"/v1/shipments/{shipment.shipment_id}", headers=_as("shp_b"))
    missing = client.get("/v1/shipments/PBGWYSWAHCD9N97", headers=_as("shp_b"))
    assert other.status_code == missing.status_code == 404
    assert other.mimetype == "application/problem+json"
    assert {k: v for k, v in other.json.items() if k not in ("detail", "instance")} == {
        k: v for k, v in missing.json.items() if k not in ("detail", "instance")
    }


def test_a_malformed_id_is_404_without_a_lookup(client):
    assert client.get("/v1/shipments/not-an-id", headers=_as("shp_a")).status_code == 404


def test_no_key_is_401(client, shipment):
    assert client.get(f"/v1/shipments/{shipment.shipment_id}").status_code == 401


def test_the_label_is_served_as_pdf(client, shipment):
    response = client.get(f"/v1/shipments/{shipment.shipment_id}/label", headers=_as("shp_a"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert shipment.shipment_id in response.headers["Content-Disposition"]


def test_every_route_is_in_the_openapi_document(client):
    document = client.get("/openapi.json").json
    assert document["openapi"] == "3.1.0"
    rules = {
        rule.rule.replace("<shipment_id>", "{shipment_id}")
        for rule in client.application.url_map.iter_rules()
        if rule.endpoint != "static"
    }
    assert rules == set(document["paths"])


def test_every_reference_in_the_openapi_document_resolves():
    document = openapi_document()

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    schemas = document["components"]["schemas"]
    for ref in refs(document):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas


def test_the_docs_page_lists_every_operation(client):
    page = client.get("/docs")
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    for path in openapi_document()["paths"]:
        assert path in text
    assert "<script" not in text
