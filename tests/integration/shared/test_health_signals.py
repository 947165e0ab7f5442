"""Health signals against a store that gets stuck: a FerretDB of our own, frozen with SIGSTOP.

SIGSTOP is the deadlock's symptom seen from outside: connections open, nothing answered. The shared store is
never touched; each test starts its own from the already-built binary on a free port.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from pymongo import MongoClient

from ops.infra.components import FerretDB
from ops.infra.layout import DEPLOY_LOCAL, PROJECT_ROOT, Layout
from shared.config import InfraSettings, load_infra_settings
from shared.kafka.consumer import ConsumerRunner, make_kafka_consumer
from shared.kafka.producer import EventProducer, make_kafka_producer
from shared.liveness import Heartbeat, health_app, serve
from shared.mongo.client import HEALTH_COLLECTION
from tests.integration.shared.kafka_helpers import FAST_BACKOFF, key_event, producer_to
from tests.integration.shared.outage_infra import wait_for

pytestmark = pytest.mark.integration


@dataclass
class OwnStore:
    process: subprocess.Popen
    uri: str

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_store(tmp_path: Path) -> Iterator[OwnStore]:
    """A FerretDB of this test's own, started exactly as `parcelbridge infra up` starts the shared one."""
    shared = Layout(load_infra_settings(root=PROJECT_ROOT))
    if not shared.ferretdb_bin.exists():
        pytest.fail(f"no FerretDB binary at {shared.ferretdb_bin}; run `make infra-up` once")
    port = _free_port()
    layout = Layout(InfraSettings(tmp_path, kafka_port=1, kafka_controller_port=2, ferretdb_port=port,
                                  kafka_heap="0"))
    layout.tools.mkdir(parents=True)
    layout.ferretdb_bin.symlink_to(shared.ferretdb_bin)
    store = FerretDB(layout)
    store.prepare()
    log = (tmp_path / "ferretdb.log").open("wb")
    process = subprocess.Popen(store.command(), env=store.env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(store.ready, 30, "own FerretDB to answer")
        yield OwnStore(process, store.address)
    finally:
        process.send_signal(signal.SIGCONT)  # a frozen process cannot act on SIGTERM
        process.terminate()
        process.wait(10)
        log.close()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code


def test_readyz_turns_503_within_seconds_when_the_store_is_stuck_and_200_again_on_its_own(own_store: OwnStore):
    answers: list[tuple[int, float]] = []

    with _web_app("shipping", {"SHIPPING_MONGODB_URI": own_store.uri + "parcelbridge_shipping"}) as url:
        def readyz() -> int:
            began = time.monotonic()
            status = _status(url + "/readyz")
            answers.append((status, time.monotonic() - began))
            return status

        wait_for(lambda: readyz() == 200, 30, "/readyz 200 on a healthy store")
        own_store.freeze()
        try:
            to_503 = wait_for(lambda: readyz() == 503, 10, "/readyz 503 on a stuck store")
            assert _answer(url + "/readyz")[1]["checks"] == {"kafka": True, "store": False}
        finally:
            own_store.thaw()
        to_200 = wait_for(lambda: readyz() == 200, 30, "/readyz 200 once the store is back")

    print(f"\nSIGSTOP -> 503 in {to_503:.1f}s; SIGCONT -> 200 in {to_200:.1f}s")
    assert to_503 < 5
    assert max(took for _, took in answers) < 3.5  # the 2 s bound, plus a little: never a hanging probe
    with MongoClient(own_store.uri) as direct:  # one web worker, one document of its own
        assert direct["parcelbridge_shipping"][HEALTH_COLLECTION].count_documents({}) == 1


def test_readyz_turns_503_within_the_bound_when_the_broker_accepts_but_never_answers(own_store: OwnStore):
    with socket.socket() as silent_broker:  # the kernel accepts connections; nobody ever answers them
        silent_broker.bind(("127.0.0.1", 0))
        silent_broker.listen(16)
        # A real gunicorn app: the readiness threads left waiting on the silent broker die with it.
        with _web_app("shipping", {"KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{silent_broker.getsockname()[1]}",
                                   "SHIPPING_MONGODB_URI": own_store.uri + "parcelbridge_shipping"}) as url:
            began = time.monotonic()
            status, body = _answer(url + "/readyz")
            took = time.monotonic() - began

    assert (status, body) == (503, {"status": "unavailable", "checks": {"kafka": False, "store": True}})
    assert took < 3.5


@contextmanager
def _web_app(service: str, env: dict[str, str]) -> Iterator[str]:
    """The service's web app under gunicorn, as `services up` starts it, on a free port; yields its base URL."""
    bind = f"127.0.0.1:{_free_port()}"
    command = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY_LOCAL / "gunicorn.conf.py"), "--bind", bind,
               "--workers", "1", f"services.{service}.wsgi:app"]
    app = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env}, cwd=PROJECT_ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://{bind}"
    try:
        wait_for(lambda: _answers(url + "/healthz"), 30, f"{service} web app to start")
        yield url
    finally:
        app.terminate()
        app.wait(30)


def _answers(url: str) -> bool:
    try:
        return _status(url) == 200
    except OSError:
        return False


def test_a_consumer_whose_store_is_stuck_stops_beating_and_beats_again_once_it_returns(
    own_store: OwnStore, kafka_settings, make_topic,
):
    topic = make_topic()
    applied = MongoClient(own_store.uri, socketTimeoutMS=60_000)["health_test"]["applied"]
    group = f"test-health-{topic[-8:]}"
    runner = ConsumerRunner(
        make_kafka_consumer(kafka_settings, group, [topic]), EventProducer(make_kafka_producer(kafka_settings)),
        {"shipper.key_issued": lambda event: applied.insert_one({"_id": event.id})}, group, backoff=FAST_BACKOFF,
    )
    beats = Heartbeat()
    server = serve("127.0.0.1", 0, health_app(beats, stall_after=2.0))
    healthz = f"http://127.0.0.1:{server.server_port}/healthz"
    loop = threading.Thread(target=runner.run, kwargs={"on_poll": beats.beat}, daemon=True)
    loop.start()
    try:
        wait_for(lambda: _status(healthz) == 200, 10, "a polling consumer to be alive")
        own_store.freeze()
        try:
            event = key_event()
            producer_to(kafka_settings, topic).publish([event])
            stalled_in = wait_for(lambda: _status(healthz) == 503, 20, "/healthz 503 while the write hangs")
            with urllib.request.urlopen(healthz.replace("healthz", "metrics"), timeout=5) as metrics:
                assert b"parcelbridge_consumer_records_total" in metrics.read()
        finally:
            own_store.thaw()
        alive_in = wait_for(lambda: _status(healthz) == 200, 60, "/healthz 200 once the write went through")
        print(f"\nstore frozen -> worker 503 in {stalled_in:.1f}s; thawed -> 200 in {alive_in:.1f}s")
        assert applied.find_one({"_id": event.id}) is not None
    finally:
        runner.stop.set()
        loop.join(30)
        server.shutdown()
        server.server_close()
        applied.database.client.close()


def test_a_worker_process_serves_liveness_on_its_port_and_stalls_with_its_store(own_store: OwnStore):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "WORKER_HEALTH_PORT": str(port),
           "WORKER_STALL_SECONDS": "2", "SHIPPING_MONGODB_URI": own_store.uri + "parcelbridge_shipping",
           "SHIPPING_OUTBOX_SWEEP_SECONDS": "0.5"}  # a sweeper pass (and beat) well inside the 2 s stall
    relay = subprocess.Popen([sys.executable, "-m", "services.shipping.worker", "relay"], env=env, cwd=PROJECT_ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    healthz = f"http://127.0.0.1:{port}/healthz"

    def answers(status: int) -> Callable[[], bool]:
        def _check() -> bool:
            assert relay.poll() is None, relay.stderr.read().decode()[-2000:] if relay.stderr else "relay exited"
            try:
                return _status(healthz) == status
            except OSError:
                return False
        return _check

    try:
        wait_for(answers(200), 30, "the relay's /healthz")
        own_store.freeze()
        try:
            stalled_in = wait_for(answers(503), 20, "the relay's /healthz 503 on a stuck store")
            assert _answer(healthz)[1]["status"] == "stalled"
        finally:
            own_store.thaw()
        alive_in = wait_for(answers(200), 60, "the relay's /healthz 200 once the store is back")
        print(f"\nrelay process: store frozen -> 503 in {stalled_in:.1f}s; thawed -> 200 in {alive_in:.1f}s")
    finally:
        relay.terminate()
        relay.communicate(timeout=30)


def _answer(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, json.loads(refused.read())
