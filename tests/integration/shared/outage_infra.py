"""A broker and a store of the tests' own (an isolated `parcelbridge infra`), to kill and bring back.

Port base from RESILIENCE_PORT_BASE (Kafka +2/+3, FerretDB +18, web apps +1001.., worker health +1400..), data
under .local/resilience: the developer's `make run` and the shared test infra are never touched.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ops.infra import processes
from ops.infra.isolated import IsolatedStack, isolated_env
from ops.infra.layout import DEPLOY_LOCAL, PROJECT_ROOT

PORT_BASE = int(os.environ.get("RESILIENCE_PORT_BASE", "24000"))


@dataclass(frozen=True)
class OutageInfra:
    stack: IsolatedStack

    @classmethod
    def create(cls) -> OutageInfra:
        # Short sweeps and samples, so each test sees its worker act within seconds.
        return cls(IsolatedStack(isolated_env("resilience", PORT_BASE, {
            "SHIPPING_OUTBOX_SWEEP_SECONDS": "1", "CONSOLE_SAMPLE_SECONDS": "2", "WORKER_STALL_SECONDS": "60"})))

    @property
    def env(self) -> dict[str, str]:
        return self.stack.env

    def _pid(self, component: str) -> int:
        pid = processes.read_pid(Path(self.env["PARCELBRIDGE_DATA_DIR"]) / "run" / f"{component}.pid")
        assert pid is not None and processes.is_alive(pid), f"{component} is not running"
        return pid

    def kill(self, component: str, sig: signal.Signals = signal.SIGKILL) -> None:
        """Send `sig` to the broker (`kafka`) or the store (`ferretdb`) and wait until it is gone."""
        pid = self._pid(component)
        os.kill(pid, sig)
        wait_for(lambda: not processes.is_alive(pid), 30, f"{component} to exit")

    def up(self) -> float:
        """`parcelbridge infra up`, the supported way back; returns how long it took."""
        began = time.monotonic()
        self.stack.cli("infra", "up")
        return time.monotonic() - began

    @contextmanager
    def worker(self, module: str, mode: str, health_port: int) -> Iterator[subprocess.Popen]:
        """`python -m <module> <mode>` on this infra, its health on `health_port`; SIGTERM at the end must end it
        within a few seconds, whatever it was doing."""
        env = {**self.env, "PYTHONPATH": str(PROJECT_ROOT), "WORKER_HEALTH_PORT": str(health_port)}
        log = (Path(self.env["PARCELBRIDGE_DATA_DIR"]) / "logs" / f"{module}-{mode}.log").open("ab")
        worker = subprocess.Popen([sys.executable, "-m", module, mode], env=env, cwd=PROJECT_ROOT, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            yield worker
        finally:
            began = time.monotonic()
            worker.terminate()
            try:
                worker.wait(15)
            finally:
                if worker.poll() is None:
                    worker.kill()
                log.close()
            assert time.monotonic() - began < 15, "the worker did not end on SIGTERM"

    @contextmanager
    def web_app(self, service: str) -> Iterator[str]:
        """The service's web app under gunicorn, as `services up` starts it; yields its base URL."""
        bind = f"127.0.0.1:{self.env[service.upper() + '_PORT']}"
        command = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY_LOCAL / "gunicorn.conf.py"), "--bind", bind,
                   "--workers", "1", f"services.{service}.wsgi:app"]
        app = subprocess.Popen(command, env={**self.env, "PYTHONPATH": str(PROJECT_ROOT)}, cwd=PROJECT_ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://{bind}"
        try:
            wait_for(lambda: answer(url + "/healthz")[0] == 200, 30, f"{service} web app to start")
            yield url
        finally:
            app.terminate()
            app.wait(30)


def wait_for(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.2) -> float:
    """Seconds until `condition` held; fails the test after `timeout`."""
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > timeout:
            raise AssertionError(f"waited {timeout}s for {what}")
        time.sleep(interval)
    return time.monotonic() - began


def answer(url: str, method: str = "GET", headers: dict[str, str] | None = None,
           ) -> tuple[int, dict, dict[str, str]]:
    """(status, JSON body, headers); status 0 when nothing answers."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}"), dict(response.headers)
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, json.loads(refused.read() or b"{}"), dict(refused.headers)
    except OSError:
        return 0, {}, {}
