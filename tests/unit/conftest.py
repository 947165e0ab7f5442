"""Unit tests do no I/O: any attempt to open a network socket fails the test."""

from __future__ import annotations

import socket

import pytest


class _NoNetwork(socket.socket):
    def connect(self, *args, **kwargs):
        raise RuntimeError("unit tests must not open network connections")

    def connect_ex(self, *args, **kwargs):
        raise RuntimeError("unit tests must not open network connections")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "socket", _NoNetwork)
