import re

import pytest
from click.testing import CliRunner

from ops.cli.main import cli
from shared.kafka.topics import SHIPPERS

pytestmark = pytest.mark.integration


def _run(service, *args):
    result = CliRunner().invoke(cli, ["shippers", *args], env={"ORDERS_MONGODB_URI": service.settings.mongo.uri})
    assert result.exit_code == 0, result.output
    return result.output


def test_a_shipper_created_on_the_command_line_can_call_the_api_until_revoked(service, app, body, tail):
    announced = tail(SHIPPERS.name)  # the command line publishes to the real topic, as it does in production
    output = _run(service, "create", "Command Line Co")
    shipper_id = re.search(r"shipper id: (shp_\w+)", output).group(1)
    key = re.search(r"API key:\s+(pbk_\S+)", output).group(1)
    assert service.database().api_keys.find_one({"shipper_id": shipper_id})["_id"] != key
    assert key not in str(service.database().shippers.find_one({"_id": shipper_id}))
    client = app.test_client()
    auth = {"Authorization": f"Bearer {key}"}
    assert client.post("/v1/orders", json=body, headers=auth).status_code == 201
    assert shipper_id in _run(service, "list")
    assert "revoked" in _run(service, "revoke", shipper_id)
    assert client.get("/v1/orders", headers=auth).status_code == 401
    events = announced.events_of(shipper_id, 2)
    assert [e.short_type for e in events] == ["shipper.key_issued", "shipper.key_revoked"]
    assert service.database().shippers.find_one({"_id": shipper_id})["outbox"] == []


def test_revoking_an_unknown_shipper_fails_with_a_message(service):
    result = CliRunner().invoke(cli, ["shippers", "revoke", "shp_nobody"],
                                env={"ORDERS_MONGODB_URI": service.settings.mongo.uri})
    assert result.exit_code == 1 and "no shipper shp_nobody" in result.output
