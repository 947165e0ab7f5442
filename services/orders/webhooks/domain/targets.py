"""Which webhook targets may be called: http(s) URLs whose every address is public (unless allowed)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048


class TargetRefused(ValueError):
    """The URL cannot be a webhook target; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def parse_target(url: str) -> Target:
    """The parts of an absolute http(s) URL without credentials or fragment; raises TargetRefused."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"use at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("only http and https URLs can receive webhooks")
    if not parts.hostname:
        raise TargetRefused("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("credentials in the URL are not allowed; authenticate with the signature instead")
    if parts.fragment:
        raise TargetRefused("a URL fragment is never sent; remove it")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path)


def is_public(address: str) -> bool:
    """True for a globally routable unicast address (an IPv4-mapped IPv6 address is judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_addresses(host: str, addresses: Iterable[str], allow_private: bool) -> list[str]:
    """The addresses, if they may be called; raises TargetRefused when none, or any is not public."""
    found = list(dict.fromkeys(addresses))
    if not found:
        raise TargetRefused(f"{host} does not resolve to any address")
    if not allow_private:
        private = [a for a in found if not is_public(a)]
        if private:
            raise TargetRefused(
                f"{host} resolves to {', '.join(private)}: loopback, private, link-local and other non-public "
                "addresses cannot receive webhooks"
            )
    return found
