"""Tracking's document, now built by the shared builder, still publishes everything it did."""

import json
from pathlib import Path

from services.tracking.openapi import openapi_document
from tests.common.openapi_kept import lost_promises

# The document tracking assembled its own way before the shared builder (issue 15), kept as the contract to honour.
BEFORE = json.loads((Path(__file__).parent / "fixtures" / "openapi-before-issue-15.json").read_text())


def test_the_built_document_keeps_every_operation_parameter_and_required_field():
    assert lost_promises(BEFORE, openapi_document()) == []


def test_carriers_must_sign_and_customers_need_no_key():
    paths = openapi_document()["paths"]
    assert paths["/v1/carriers/sf/route-push"]["post"]["security"] == [{"sfSignature": []}]
    assert paths["/v1/carriers/ups/track"]["post"]["security"] == [{"upsCredential": []}]
    assert paths["/v1/tracking/{number}"]["get"]["security"] == paths["/v1/tracking/batch"]["post"]["security"] == []
