"""Supervised service processes on a broker and store of the tests' own: killed processes come back with the
configuration of their first start, a process that keeps failing is given up, and `parcelbridge stop` ends
everything within 15 s even with the broker gone.

Ports: E2E_PORT_BASE + 50 (+52/+53 Kafka, +68 the store, +1051.. the APIs), beside the e2e stack's block.
The already-installed broker jars and store binary of this checkout are linked in, never built again.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dotenv import dotenv_values

from ops.infra.isolated import PARCELBRIDGE, isolated_env
from ops.infra.layout import PROJECT_ROOT

pytestmark = pytest.mark.integration
PORT_BASE = int(os.environ.get("E2E_PORT_BASE", "21000")) + 50
FAST = {"SUPERVISOR_FIRST_DELAY_SECONDS": "0.2", "SUPERVISOR_MAX_FAILURES": "3"}


def _cli(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([*PARCELBRIDGE, *args], env=env, capture_output=True, text=True, timeout=timeout)


def _environ(data_dir: Path, **extra: str) -> dict[str, str]:
    env = isolated_env("supervision", PORT_BASE, {**FAST, **extra})
    for secret in ("SF_CHECK_WORD", "UPS_TRACK_ALERT_CREDENTIAL"):
        env.pop(secret)  # the stack generates its own at the first start
    env["PARCELBRIDGE_DATA_DIR"] = str(data_dir)
    return env


def _link_installed_tools(data_dir: Path) -> None:
    installed = PROJECT_ROOT / ".local"
    if not (installed / "kafka" / "libs" / ".installed").exists():
        pytest.fail("run `parcelbridge infra up` once first: these tests reuse its Kafka jars and FerretDB binary")
    (data_dir / "kafka").mkdir(parents=True)
    (data_dir / "kafka" / "libs").symlink_to((installed / "kafka" / "libs").resolve())
    (data_dir / "bin").symlink_to((installed / "bin").resolve())


@pytest.fixture(scope="module")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The module's broker and store, and the tracking service on them, started from a shell without carrier
    credentials. The tests below share it in file order; the last one stops it for good."""
    data_dir = tmp_path_factory.mktemp("supervised")
    _link_installed_tools(data_dir)
    env = _environ(data_dir)
    try:
        started = _cli(env, "infra", "up")
        assert started.returncode == 0, started.stderr
        up = _cli(env, "services", "up", "--only", "tracking")
        assert up.returncode == 0, up.stderr
        yield data_dir
    finally:
        _cli(env, "services", "down")
        _cli(env, "infra", "down")


def _states(data_dir: Path) -> dict[str, dict]:
    path = data_dir / "run" / "supervisor" / "state.json"
    return {row["name"]: row for row in json.loads(path.read_text())["processes"]} if path.exists() else {}


def _wait_for(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def _environment_of(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(pair.decode().split("=", 1) for pair in pairs if b"=" in pair)


def _pid(data_dir: Path, name: str) -> int:
    return int((data_dir / "run" / f"{name}.pid").read_text())


CREDENTIALS = ("SF_CHECK_WORD", "UPS_TRACK_ALERT_CREDENTIAL")


def test_a_killed_web_app_comes_back_once_with_the_credentials_of_its_first_start(stack_dir):
    data_dir = stack_dir
    recorded = dotenv_values(data_dir / "stack.env")
    first = _pid(data_dir, "tracking-api")
    assert {name: _environment_of(first)[name] for name in CREDENTIALS} == {n: recorded[n] for n in CREDENTIALS}

    os.kill(first, signal.SIGKILL)

    assert _wait_for(lambda: _states(data_dir)["tracking-api"]["state"] == "running"
                     and _states(data_dir)["tracking-api"]["pid"] != first, 30)
    again = _states(data_dir)["tracking-api"]
    assert (again["restarts"], again["last_exit"]) == (1, "signal 9")
    assert _pid(data_dir, "tracking-api") == again["pid"]
    environment = _environment_of(again["pid"])
    assert {name: environment[name] for name in CREDENTIALS} == {name: recorded[name] for name in CREDENTIALS}
    assert _states(data_dir)["tracking-worker"]["restarts"] == 0
    status = _cli(_environ(data_dir), "services", "status")
    row = next(line for line in status.stdout.splitlines() if "tracking-api" in line)
    assert [cell.strip() for cell in row.split("│")[2:4]] == ["running", "1"]


def test_a_later_up_from_another_shell_keeps_the_recorded_credentials(stack_dir):
    data_dir = stack_dir
    recorded = dotenv_values(data_dir / "stack.env")
    assert _cli(_environ(data_dir), "services", "down").returncode == 0
    other_shell = {**_environ(data_dir), "SF_CHECK_WORD": "typed-by-hand"}

    again = _cli(other_shell, "services", "up", "--only", "tracking")

    assert again.returncode == 0, again.stderr
    assert "SF_CHECK_WORD" in again.stderr  # named as ignored
    environment = _environment_of(_pid(data_dir, "tracking-api"))
    assert {name: environment[name] for name in CREDENTIALS} == {name: recorded[name] for name in CREDENTIALS}


def test_a_process_that_fails_at_once_is_given_up_after_n_tries_with_a_clear_status(stack_dir, tmp_path):
    env = _environ(tmp_path)
    # The relay's health port is taken: it ends at start every time (a probe answered by another would lie),
    # while the web app and the consumer, on ports of their own, start.
    taken = socket.socket()
    taken.bind(("127.0.0.1", int(env["SHIPPING_PORT"]) + 100))
    taken.listen()
    try:
        assert _cli(env, "services", "up", "--only", "shipping").returncode == 0  # the web app is ready

        assert _wait_for(lambda: _states(tmp_path)["shipping-relay"]["state"] == "gave-up", 60)
        relay = _states(tmp_path)["shipping-relay"]
        assert (relay["restarts"], relay["last_exit"], relay["pid"]) == (2, "exit code 1", None)
        status = _cli(env, "services", "status")
        assert status.returncode == 1
        assert "gave-up (exit code 1)" in next(line for line in status.stdout.splitlines() if "shipping-relay" in line)
        given_up = [json.loads(line) for line in (tmp_path / "logs" / "supervisor.log").read_text().splitlines()
                    if "given up" in line]
        assert [(entry["child"], entry["failures_in_window"]) for entry in given_up] == [("shipping-relay", 3)]
    finally:
        taken.close()
        _cli(env, "services", "down")


def test_stop_ends_everything_within_15_s_with_the_broker_down(stack_dir):
    env = _environ(stack_dir)
    pids = [int(path.read_text()) for path in (stack_dir / "run").rglob("*.pid")]
    assert len(pids) == 6  # broker, store, supervisor, tracking's relay, consumer and web app
    os.kill(_pid(stack_dir, "kafka"), signal.SIGKILL)
    time.sleep(3)  # the consumers and relays are retrying the broker by now

    began = time.monotonic()
    stopped = _cli(env, "stop", timeout=60)
    took = time.monotonic() - began

    assert stopped.returncode == 0, stopped.stderr
    assert took < 15, f"stop took {took:.1f} s:\n{stopped.stderr}"
    assert [pid for pid in pids if Path(f"/proc/{pid}").exists() and _not_zombie(pid)] == []


def _not_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
