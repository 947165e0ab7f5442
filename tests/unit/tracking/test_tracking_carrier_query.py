"""Carrier query requests as UPS and SF document them, and the guarded client's retries, limits and breaker."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from services.tracking.adapters.carrier_query.guarded import CarrierUnavailable, CircuitOpen, GuardedClient
from services.tracking.adapters.carrier_query.sf import SfRouteClient, sf_rate_limited
from services.tracking.adapters.carrier_query.ups import UpsTrackClient
from services.tracking.carriers.sf import auth
from services.tracking.carriers.sf import query as sf_query
from services.tracking.carriers.ups import query as ups_query
from services.tracking.domain.breaker import Breaker
from services.tracking.domain.retry_policy import RetryPolicy
from shared.ratelimit import TokenBuckets


def _response(status: int, body: Any = None, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode() if body is not None else b"<html>busy</html>"
    response.headers.update(headers or {})
    return response


class FakeSession:
    """Answers from a script (a Response, or an exception to raise) and keeps every request it got."""

    def __init__(self, *answers: requests.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[str, str, dict]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        self.requests.append((method, url, kwargs))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


class Clock:
    def __init__(self) -> None:
        self.now, self.slept = 0.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def _guarded(session: FakeSession, clock: Clock, attempts: int = 3, failures: int = 2, rate: float = 1000,
             **kwargs: Any) -> GuardedClient:
    return GuardedClient("ups", session, TokenBuckets(rate, 1, clock=clock), Breaker(failures, 60),  # type: ignore[arg-type]
                         RetryPolicy(attempts, base=1.0, cap=30), sleep=clock.sleep, monotonic=clock, **kwargs)


def test_the_ups_request_names_one_number_in_the_path_with_a_bearer_token_and_a_transaction_id():
    assert ups_query.track_url("https://onlinetools.ups.com/", "1ZCIETST0111111114") == \
        "https://onlinetools.ups.com/api/track/v1/details/1ZCIETST0111111114"
    headers = ups_query.track_headers("tok", "a" * 40)
    assert headers["Authorization"] == "Bearer tok" and len(headers["transId"]) == 32
    assert headers["transactionSrc"] == "parcelbridge"


def test_a_ups_token_is_renewed_a_minute_before_ups_says_it_expires():
    token = ups_query.read_token({"access_token": "t", "token_type": "Bearer", "expires_in": "14399"}, now=100)
    assert token.fresh(100 + 14399 - 61) and not token.fresh(100 + 14399 - 60)
    with pytest.raises(ValueError, match="access_token"):
        ups_query.read_token({"response": {"errors": [{"code": "250003"}]}}, now=0)


def test_the_sf_route_query_is_signed_like_a_push_and_asks_by_waybill_for_every_route():
    form = sf_query.route_query_form(["SF1234567890128"], "PARTNER", "word", "req-1", 1_700_000_000_000, "6789")
    assert form["serviceCode"] == "EXP_RECE_SEARCH_ROUTES" and form["partnerID"] == "PARTNER"
    assert json.loads(form["msgData"]) == {"language": "0", "trackingType": "1", "trackingNumber": ["SF1234567890128"],
                                           "methodType": "1", "checkPhoneNo": "6789"}
    assert form["msgDigest"] == auth.digest(form["msgData"], "1700000000000", "word")


@pytest.mark.parametrize("count", [0, 11])
def test_an_sf_route_query_takes_one_to_ten_numbers(count):
    with pytest.raises(ValueError, match="1 to 10"):
        sf_query.msg_data([f"SF{n:013d}" for n in range(count)])


def test_a_503_is_retried_with_backoff_and_the_answer_after_it_returned():
    session, clock = FakeSession(_response(503), _response(503), _response(200, {"ok": 1})), Clock()
    assert _guarded(session, clock).send("GET", "http://ups.test/x").json() == {"ok": 1}
    assert len(session.requests) == 3
    assert 0.5 <= clock.slept[0] <= 1.0 and 1.0 <= clock.slept[1] <= 2.0  # doubling, half of it random


def test_the_carriers_retry_after_is_waited_instead_of_the_backoff():
    session, clock = FakeSession(_response(429, {}, {"Retry-After": "7"}), _response(200, {})), Clock()
    _guarded(session, clock).send("GET", "http://ups.test/x")
    assert clock.slept == [7.0]


def test_a_4xx_is_the_carriers_answer_not_retried_and_not_a_breaker_failure():
    session, clock = FakeSession(_response(400, {"response": {"errors": [{"code": "TV1002"}]}})), Clock()
    client = _guarded(session, clock, failures=1)
    assert client.send("GET", "http://ups.test/x").status_code == 400
    assert len(session.requests) == 1 and client.breaker.state(clock.now) == "closed"


def test_a_carrier_failing_every_attempt_is_unavailable_and_then_its_breaker_opens_and_no_call_goes_out():
    session, clock = FakeSession(_response(503)), Clock()
    client = _guarded(session, clock, attempts=2, failures=2)
    for _ in range(2):
        with pytest.raises(CarrierUnavailable, match="HTTP 503 after 2"):
            client.send("GET", "http://ups.test/x")
    assert len(session.requests) == 4 and client.breaker.state(clock.now) == "open"
    with pytest.raises(CircuitOpen):
        client.send("GET", "http://ups.test/x")
    assert len(session.requests) == 4
    clock.now += 60
    session.answers = [_response(200, {})]
    client.send("GET", "http://ups.test/x")  # the half-open trial succeeds and closes it
    assert client.breaker.state(clock.now) == "closed"


def test_connection_errors_are_retried_then_reported_unavailable():
    session, clock = FakeSession(requests.ConnectionError("refused")), Clock()
    with pytest.raises(CarrierUnavailable, match="ConnectionError"):
        _guarded(session, clock, attempts=3).send("GET", "http://ups.test/x")
    assert len(session.requests) == 3


def test_requests_wait_for_the_token_bucket():
    session, clock = FakeSession(_response(200, {})), Clock()
    client = _guarded(session, clock, rate=2)  # burst 1: the second request waits half a second
    client.send("GET", "http://ups.test/x")
    client.send("GET", "http://ups.test/x")
    assert clock.slept == [0.5]


def test_sf_rate_limiting_inside_a_200_envelope_is_retried():
    limited = _response(200, {"apiResultCode": "A1005", "apiErrorMsg": "流量超限"})
    session, clock = FakeSession(limited, _response(200, {"apiResultCode": "A1000"})), Clock()
    assert sf_rate_limited(limited)
    client = SfRouteClient(_guarded(session, clock, is_transient=sf_rate_limited), "http://sf.test/std/service",
                           "P", "word", wall_clock_ms=lambda: 1_700_000_000_000)
    assert client.query(["SF1234567890128"]) == [{"apiResultCode": "A1000"}]
    assert len(session.requests) == 2 and session.requests[0][2]["data"]["serviceCode"] == "EXP_RECE_SEARCH_ROUTES"


def test_the_ups_client_takes_one_token_and_asks_one_number_per_request():
    token = _response(200, {"access_token": "tok", "expires_in": "14399"})
    answer = _response(200, {"trackResponse": {"shipment": [{"inquiryNumber": "x"}]}})
    session, clock = FakeSession(token, answer), Clock()
    client = UpsTrackClient(_guarded(session, clock), "http://ups.test", "id", "secret", monotonic=clock)
    assert len(client.query(["1ZCIETST0111111114", "1ZCIETST0422222228"])) == 2
    methods = [(m, url.rsplit("/", 1)[-1]) for m, url, _ in session.requests]
    assert methods == [("POST", "token"), ("GET", "1ZCIETST0111111114"), ("GET", "1ZCIETST0422222228")]
    assert session.requests[0][2]["auth"] == ("id", "secret")
    assert session.requests[1][2]["headers"]["Authorization"] == "Bearer tok"
