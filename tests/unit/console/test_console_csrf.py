import pytest
from flask import Flask

from services.console.api.security import check_csrf
from services.console.domain import csrf
from services.console.domain.operators import Session
from services.console.domain.roles import Role

SESSION = Session("h", "ann", Role.OPERATOR, "tok-123", None, None)  # type: ignore[arg-type]


def test_only_state_changing_methods_are_checked():
    assert not csrf.needs_check("GET") and not csrf.needs_check("head")
    assert csrf.needs_check("POST") and csrf.needs_check("DELETE")


def test_the_session_token_must_match():
    csrf.check("abc", "abc")
    for presented in (None, "", "abd"):
        with pytest.raises(csrf.CsrfRejected):
            csrf.check("abc", presented)
    with pytest.raises(csrf.CsrfRejected):
        csrf.check(None, "abc")


def test_a_foreign_origin_is_refused():
    csrf.check_origin(None, "http://console:8004/")
    csrf.check_origin("http://console:8004", "http://console:8004/")
    with pytest.raises(csrf.CsrfRejected):
        csrf.check_origin("http://evil.example", "http://console:8004/")


def test_a_request_carries_the_token_in_a_header_or_a_form_field():
    app = Flask(__name__)
    with app.test_request_context("/api/x", method="POST", headers={"X-CSRF-Token": "tok-123"}):
        check_csrf(SESSION)
    with app.test_request_context("/x", method="POST", data={"csrf_token": "tok-123"}):
        check_csrf(SESSION)
    with app.test_request_context("/x", method="POST", data={"csrf_token": "other"}), pytest.raises(csrf.CsrfRejected):
        check_csrf(SESSION)
