"""The console's document, now built by the shared builder, still publishes everything it did."""

import json
from pathlib import Path

from services.console.openapi import openapi_document
from tests.common.openapi_kept import lost_promises

# The document the console assembled its own way before the shared builder (issue 15), kept as the contract.
BEFORE = json.loads((Path(__file__).parent / "fixtures" / "openapi-before-issue-15.json").read_text())


def test_the_built_document_keeps_every_operation_parameter_and_required_field():
    assert lost_promises(BEFORE, openapi_document()) == []


def test_reads_need_the_session_and_every_post_the_csrf_token_too():
    document = openapi_document()
    assert document["security"] == [{"session": []}]
    posts = [op for item in document["paths"].values() for method, op in item.items() if method == "post"]
    assert len(posts) == 3 and all(op["security"] == [{"session": [], "csrf": []}] for op in posts)
