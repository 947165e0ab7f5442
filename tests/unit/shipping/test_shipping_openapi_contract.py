import json
from pathlib import Path

from services.shipping.openapi import openapi_document
from tests.common.openapi_contract import contract
from tests.common.openapi_kept import lost_promises

# The document shipping built its own way before the shared builder (issue 15), kept as the contract to honour.
BEFORE = json.loads((Path(__file__).parent / "fixtures" / "openapi-before-issue-15.json").read_text())


def test_the_built_document_keeps_every_operation_parameter_and_required_field():
    assert lost_promises(BEFORE, openapi_document()) == []


def test_the_operational_answers_now_say_which_fields_they_always_carry():
    # The shared operational routes document /healthz and /readyz as shared.http.app answers them.
    required = contract(openapi_document()).required
    assert required[("get /healthz", "200", "application/json", "$")] == {"status", "service"}
    assert required[("get /readyz", "503", "application/json", "$")] == {"status", "checks"}
