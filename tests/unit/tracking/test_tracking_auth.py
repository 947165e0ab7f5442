"""Carrier credentials: SF's signature and UPS's echoed Track Alert credential."""

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from urllib.parse import quote_plus

import pytest

from services.tracking.carriers.sf import auth as sf
from services.tracking.carriers.ups import auth as ups

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
STAMP = str(int(NOW.timestamp() * 1000))
BODY = '{"Body":{"WaybillRoute":[{"mailno":"SF1234567890128","remark":"顺丰 已收取快件 ~*"}]}}'


def test_the_sf_digest_is_base64_md5_of_the_java_url_encoded_text():
    encoded = quote_plus(BODY + STAMP + "secret", safe="*").replace("~", "%7E")
    assert sf.digest(BODY, STAMP, "secret") == base64.b64encode(hashlib.md5(encoded.encode()).digest()).decode()
    assert sf.java_url_encode("a b~*.-_") == "a+b%7E*.-_"


def test_a_correct_sf_signature_passes():
    sf.verify(BODY, STAMP, sf.digest(BODY, STAMP, "secret"), "secret", NOW, timedelta(minutes=5))


@pytest.mark.parametrize("timestamp, signature, check_word, message", [
    (STAMP, None, "secret", "send the"),
    (None, "x", "secret", "send the"),
    (STAMP, "wrong", "secret", "does not match"),
    ("12:00", "x", "secret", "milliseconds"),
    (str(int((NOW - timedelta(minutes=6)).timestamp() * 1000)), "x", "secret", "away from now"),
    (STAMP, "x", "", "not configured"),
])
def test_bad_sf_signatures_are_refused(timestamp, signature, check_word, message):
    with pytest.raises(sf.BadSignature, match=message):
        sf.verify(BODY, timestamp, signature, check_word, NOW, timedelta(minutes=5))


def test_a_signature_for_another_body_is_refused():
    with pytest.raises(sf.BadSignature):
        sf.verify(BODY + " ", STAMP, sf.digest(BODY, STAMP, "secret"), "secret", NOW, timedelta(minutes=5))


def test_the_ups_credential_must_match():
    ups.verify("s3cret", "s3cret")
    for presented, expected in ((None, "s3cret"), ("", "s3cret"), ("nope", "s3cret"), ("s3cret", "")):
        with pytest.raises(ups.BadCredential):
            ups.verify(presented, expected)
