import json

import pytest

from shared.errors import InvalidEnvelope, SchemaViolation, UnknownEventType
from shared.events.envelope import decode, encode, new_event

KEY_HASH = "a" * 64


def _issued(**overrides):
    data = {"shipper_id": "shp_1", "shipper_name": "Acme", "key_id": "k1", "key_hash": KEY_HASH} | overrides
    return new_event("shipper.key_issued", "shp_1", data, source="/parcelbridge/test")


def test_an_event_survives_encoding_unchanged():
    event = _issued()
    decoded = decode(encode(event))
    assert decoded == event
    assert decoded.type == "com.parcelbridge.shipper.key_issued.v1"
    assert decoded.short_type == "shipper.key_issued"


def test_encoded_event_is_a_structured_cloudevent():
    document = json.loads(encode(_issued()))
    assert document["specversion"] == "1.0"
    assert document["datacontenttype"] == "application/json"
    assert {"id", "source", "type", "subject", "time", "data"} <= set(document)


def test_invalid_data_is_refused_when_producing():
    with pytest.raises(SchemaViolation, match="key_hash"):
        _issued(key_hash="short")


def test_unknown_type_is_refused_when_producing():
    with pytest.raises(UnknownEventType):
        new_event("parcel.teleported", "x", {}, source="/t")


@pytest.mark.parametrize("value", [b"", b"not json", b"[1, 2]", b'{"specversion": "1.0"}'])
def test_unreadable_values_are_invalid_envelopes(value):
    with pytest.raises(InvalidEnvelope):
        decode(value)


def test_data_violating_its_schema_is_refused_when_consuming():
    document = json.loads(encode(_issued()))
    document["data"]["unexpected"] = 1
    with pytest.raises(SchemaViolation):
        decode(json.dumps(document).encode())


def test_unserved_version_is_an_unknown_type():
    document = json.loads(encode(_issued()))
    document["type"] = "com.parcelbridge.shipper.key_issued.v9"
    with pytest.raises(UnknownEventType):
        decode(json.dumps(document).encode())
