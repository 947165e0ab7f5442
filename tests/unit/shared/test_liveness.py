"""A worker is alive while its loop finishes passes; /healthz says so, /metrics sits beside it."""

from __future__ import annotations

from werkzeug.test import Client

from shared.liveness import Heartbeat, WorkerReadiness, health_app, liveness


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_worker_that_just_started_is_alive():
    alive, body = liveness(Heartbeat(FakeClock()), stall_after=60)

    assert alive and body["status"] == "ok"


def test_a_worker_without_a_finished_pass_for_longer_than_its_bound_is_stalled():
    clock = FakeClock()
    beats = Heartbeat(clock)
    clock.now += 60.5

    alive, body = liveness(beats, stall_after=60)

    assert not alive
    assert body == {"status": "stalled", "last_pass_age_s": 60.5, "stall_after_s": 60}


def test_a_long_pass_within_the_bound_does_not_flap():
    clock = FakeClock()
    beats = Heartbeat(clock)
    for _ in range(10):
        clock.now += 59
        assert liveness(beats, stall_after=60)[0]
        beats.beat()


def test_a_stalled_worker_is_alive_again_after_its_next_pass():
    clock = FakeClock()
    beats = Heartbeat(clock)
    clock.now += 300
    beats.beat()

    assert liveness(beats, stall_after=60)[0]


def test_healthz_answers_200_then_503_once_the_loop_stalls():
    clock = FakeClock()
    client = Client(health_app(Heartbeat(clock), stall_after=5))

    assert client.get("/healthz").status_code == 200
    clock.now += 6
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "stalled"


def test_metrics_and_readyz_are_served_beside_healthz_and_nothing_else_is():
    client = Client(health_app(Heartbeat(FakeClock()), stall_after=5))

    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and b"python_info" in metrics.data
    assert client.get("/readyz").status_code == 200
    assert client.get("/startz").status_code == 404


def test_a_worker_waiting_for_its_broker_is_alive_but_not_ready_and_says_why():
    ready = WorkerReadiness()
    client = Client(health_app(Heartbeat(FakeClock()), stall_after=5, ready=ready))

    ready.waiting_for("kafka", "group orders: no group coordinator reachable")

    readyz, healthz = client.get("/readyz"), client.get("/healthz")
    assert readyz.status_code == 503
    assert readyz.json == {"status": "waiting", "ready": False,
                           "waiting_for": {"kafka": "group orders: no group coordinator reachable"}}
    assert healthz.status_code == 200 and healthz.json["ready"] is False


def test_a_worker_is_ready_again_once_its_dependency_answers():
    ready = WorkerReadiness()
    client = Client(health_app(Heartbeat(FakeClock()), stall_after=5, ready=ready))
    ready.waiting_for("kafka", "down")
    ready.waiting_for("store", "down")

    ready.recovered("kafka")
    assert client.get("/readyz").json["waiting_for"] == {"store": "down"}
    ready.recovered()
    assert client.get("/readyz").status_code == 200
