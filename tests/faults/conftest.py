"""The fault tier's one run: an isolated stack (port base FAULTS_PORT_BASE), every fault, one JSON report."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from ops.infra.isolated import IsolatedStack, isolated_env
from ops.infra.layout import PROJECT_ROOT
from tests.faults.campaign import Settings, execute
from tests.faults.table import render

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
REPORT = ARTIFACTS / "faults-report.json"
REPORT_KEY = pytest.StashKey[dict[str, Any]]()


def settings() -> Settings:
    """FAULTS_ORDER_RATE (orders a second) and FAULTS_BUDGET_SECONDS (when the last fault may start) change the
    run; the rest is fixed so runs compare."""
    return Settings(rate=float(os.environ.get("FAULTS_ORDER_RATE", Settings.rate)),
                    budget=float(os.environ.get("FAULTS_BUDGET_SECONDS", Settings.budget)))


@pytest.fixture(scope="session")
def fault_report(request) -> dict[str, Any]:
    port_base = int(os.environ.get("FAULTS_PORT_BASE", "26000"))
    stack = IsolatedStack(isolated_env("faults", port_base, extra={
        "WEB_CONCURRENCY": "1", "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true"}))
    ARTIFACTS.mkdir(exist_ok=True)
    stack.start()
    try:
        report = {"port_base": port_base, **execute(stack, settings(), port_base, ARTIFACTS)}
    finally:
        stack.stop()
    REPORT.write_text(json.dumps(report, indent=2))
    request.config.stash[REPORT_KEY] = report
    return report


def pytest_terminal_summary(terminalreporter, config) -> None:
    report = config.stash.get(REPORT_KEY, None)
    if report is not None:
        terminalreporter.section("fault tier figures")
        for line in render(report):
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"report: {REPORT}")
