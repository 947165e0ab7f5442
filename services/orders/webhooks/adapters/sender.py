"""Talking to webhook receivers: resolve and vet the target, then POST to the very address that was vetted.

Connecting to the checked address (not re-resolving the name) closes the DNS-rebinding gap between the
check and the request; TLS still verifies the certificate against the URL's host name.
"""

from __future__ import annotations

import abc
import socket
import time
from collections.abc import Callable, Mapping

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, Timeout
from urllib3.exceptions import HTTPError

from services.orders.webhooks.domain.model import Outcome
from services.orders.webhooks.domain.targets import Target, TargetRefused, check_addresses, parse_target

Resolver = Callable[[str, int], list[str]]
RESPONSE_READ_LIMIT = 4096  # the receiver's answer is not used; read a little so the connection ends cleanly


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (none when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return [str(info[4][0]) for info in infos]


class TargetChecker:
    """Parses a webhook URL and vets the addresses it resolves to, now."""

    def __init__(self, resolver: Resolver = resolve, allow_private: bool = False):
        self.resolver = resolver
        self.allow_private = allow_private

    def check(self, url: str) -> tuple[Target, list[str]]:
        """The target and its vetted addresses; raises TargetRefused."""
        target = parse_target(url)
        return target, check_addresses(target.host, self.resolver(target.host, target.port), self.allow_private)


class Sender(abc.ABC):
    @abc.abstractmethod
    def post(self, url: str, body: str, headers: Mapping[str, str], timeout: float) -> Outcome:
        """POST once, never raising: a refused target or a network error is an outcome with an error."""


class HttpSender(Sender):
    def __init__(self, checker: TargetChecker):
        self.checker = checker

    def post(self, url: str, body: str, headers: Mapping[str, str], timeout: float) -> Outcome:
        started = time.monotonic()
        try:
            target, addresses = self.checker.check(url)
            status = _post_to(addresses[0], target, body.encode(), headers, timeout)
        except TargetRefused as exc:
            return Outcome(None, f"target refused: {exc}", _ms_since(started))
        except (HTTPError, OSError) as exc:  # the receiver is down, slow or speaks no HTTP: an attempt that failed
            return Outcome(None, f"{type(exc).__name__}: {exc}"[:500], _ms_since(started))
        return Outcome(status, None, _ms_since(started))


def _post_to(address: str, target: Target, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
    tls = {"server_hostname": target.host, "assert_hostname": target.host} if target.scheme == "https" else {}
    pool_class = HTTPSConnectionPool if target.scheme == "https" else HTTPConnectionPool
    pool = pool_class(address, target.port, timeout=Timeout(total=timeout), maxsize=1, retries=False, **tls)
    try:
        response = pool.urlopen(
            "POST", target.path, body=body, headers={**headers, "Host": target.host_header},
            redirect=False, retries=False, preload_content=False, assert_same_host=False,
        )
        response.read(RESPONSE_READ_LIMIT)
        response.release_conn()
        return response.status
    finally:
        pool.close()


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
