"""schemathesis over one service's live OpenAPI document: bounded examples, real ids, our own checks.

Cases come from schemathesis's Python API (`APIOperation.as_strategy`) run under Hypothesis here, one operation at
a time, so one run reports every operation that fails, not just the first.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CheckContext
from schemathesis.core import NOT_SET
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from ops.infra.isolated import IsolatedStack as Stack
from services.tracking.carriers.sf import auth as sf_auth
from shared.http.problems import PROBLEM_TYPE

MAX_EXAMPLES = 8  # per operation and mode: the 52 operations take ~2.5 min on 2 shared cores (12 took 3.7)
# Carrier endpoints answer in the carrier's own documented error shape, never problem+json.
CARRIER_PATHS = ("/v1/carriers/sf/route-push", "/v1/carriers/ups/track")
Call = Callable[[schemathesis.Case], None]
Answered = defaultdict[str, set[int]]  # "METHOD /path" -> every status it answered


def load(stack: Stack, service: str) -> schemathesis.BaseSchema:
    """The document the running service serves, aimed at where it runs (not at its documented default server)."""
    base = stack.url(service)
    # Credentials are ours to send (`checked_call`): schemathesis neither makes up nor breaks them.
    config = schemathesis.Config.from_dict({"base-url": base, "generation": {"with-security-parameters": False}})
    return schemathesis.openapi.from_url(f"{base}/openapi.json", config=config)


def fuzz(schema: schemathesis.BaseSchema, call: Call, seeds: Seeded, skip: dict[str, str] | None = None,
         ) -> list[str]:
    """Run `call` on generated cases of every operation (positive and negative) but those in `skip` (label ->
    why); each failure as one line."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in (skip or {}):
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(_cases(operation, mode, seeds), call)
            except Unsatisfiable:  # nothing to make invalid: an operation without parameters or body
                continue
            except (Exception, BaseExceptionGroup) as exc:  # failed checks (a group) or a transport error
                failures.append(f"{operation.label} [{mode.value}]: {_described(exc)}")
                if os.environ.get("FUZZ_TRACEBACKS"):
                    traceback.print_exception(exc)
    return failures


def _described(exc: BaseException) -> str:
    """The failure and, for a group (several checks, or Hypothesis's flaky report), each failure inside it."""
    inner = "".join(f"\n  - {_described(each)}" for each in getattr(exc, "exceptions", ()))
    return f"{type(exc).__name__}: {str(exc)[:1500]}{inner}"


@dataclass(frozen=True)
class Seeded:
    """Real values for the fuzzer to use besides generated ones."""

    path_values: dict[str, list[str]]  # by path or query parameter name, or "METHOD name" for one method only
    bodies: dict[str, Any] = field(default_factory=dict)  # "METHOD /path" -> a valid body (else the example)

    def values(self, method: str, name: str) -> list[str]:
        return self.path_values.get(f"{method.upper()} {name}", self.path_values.get(name, []))


def _cases(operation: Any, mode: GenerationMode, seeds: Seeded) -> st.SearchStrategy:
    """Generated cases, and as many again with each path parameter set to a real id (a real order, shipment...)."""
    strategies = [operation.as_strategy(mode)]
    for location, parameters in (("path_parameters", operation.path_parameters), ("query", operation.query)):
        strategies += [operation.as_strategy(mode, **{location: {parameter.name: value}})
                       for parameter in parameters for value in seeds.values(operation.method, parameter.name)]
    body = seeds.bodies.get(operation.label, _example_body(operation))
    if body is not None and mode is GenerationMode.POSITIVE:
        strategies.append(operation.as_strategy(mode, body=body))
    return st.one_of(*strategies)


def _example_body(operation: Any) -> Any:
    content = operation.definition.raw.get("requestBody", {}).get("content", {}).get("application/json", {})
    return content.get("example")


def _run(cases: st.SearchStrategy, call: Call) -> None:
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def each(case: schemathesis.Case) -> None:
        call(case)

    each()


def client_errors_are_problems(_ctx: CheckContext, response: schemathesis.Response, case: schemathesis.Case) -> bool:
    """Every 4xx outside the carrier endpoints is RFC 9457 problem+json whose status matches the response's."""
    if not 400 <= response.status_code < 500 or case.operation.path in CARRIER_PATHS:
        return True
    media = response.headers.get("content-type", [""])[0].split(";")[0].strip()
    assert media == PROBLEM_TYPE, f"{response.status_code} answered as {media!r}, not {PROBLEM_TYPE}"
    problem = json.loads(response.content)
    assert problem.get("status") == response.status_code, f"problem status {problem.get('status')!r}"
    assert isinstance(problem.get("title"), str) and problem["title"], "problem without a title"
    return True


CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    client_errors_are_problems,
]


def checked_call(headers: Callable[[schemathesis.Case], dict[str, str]], answered: Answered) -> Call:
    """Send a case with `headers(case)`, note its status under its operation in `answered`, apply every check."""
    def call(case: schemathesis.Case) -> None:
        response = case.call(headers=headers(case), timeout=30)
        answered[f"{case.method.upper()} {case.operation.path}"].add(response.status_code)
        case.validate_response(response, checks=CHECKS)

    return call


def never_succeeded(answered: Answered) -> list[str]:
    """Operations that no case got a 2xx from: the fuzzer never reached what they serve."""
    return sorted(operation for operation, statuses in answered.items() if not any(200 <= s < 300 for s in statuses))


def shipper_headers(key: str, webhook_key: str) -> Callable[[schemathesis.Case], dict[str, str]]:
    """The shipper's key; fuzzed webhook registrations use a shipper with no orders, so nothing is delivered."""
    def headers(case: schemathesis.Case) -> dict[str, str]:
        registering = case.operation.path == "/v1/webhooks" and case.method.upper() == "POST"
        return {"Authorization": f"Bearer {webhook_key if registering else key}"}

    return headers


def console_headers(stack: Stack, session: str, csrf: str) -> Callable[[schemathesis.Case], dict[str, str]]:
    """An operator's browser: the session cookie, and on POSTs the CSRF token from this origin."""
    def headers(_case: schemathesis.Case) -> dict[str, str]:
        return {"Cookie": f"pb_console_session={session}", "X-CSRF-Token": csrf, "Origin": stack.url("console")}

    return headers


def _as_sent(body: Any) -> str:
    """The body's text as the transport sends it (what the server signs: raw bytes decoded as it decodes them)."""
    if body is NOT_SET:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return json.dumps(body, allow_nan=False)


def carrier_headers(stack: Stack) -> Callable[[schemathesis.Case], dict[str, str]]:
    """What carriers send: SF signs the body as sent (requests' own `json.dumps`), UPS echoes a shared secret."""
    def headers(case: schemathesis.Case) -> dict[str, str]:
        if case.operation.path == "/v1/carriers/ups/track":
            return {"credential": stack.env["UPS_TRACK_ALERT_CREDENTIAL"]}
        if case.operation.path != "/v1/carriers/sf/route-push":
            return {}
        body = _as_sent(case.body)
        stamp = str(int(time.time() * 1000))
        return {"timestamp": stamp, "msgDigest": sf_auth.digest(body, stamp, stack.env["SF_CHECK_WORD"])}

    return headers
