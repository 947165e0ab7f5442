"""A doorbell on a Kafka topic: it rings when records arrive, so the deliverer sleeps until work is likely.

Deliveries are queued by the orders consumer when it applies a `tracking.status_changed`; the deliverer
listens to the same topic from its end, with no consumer group (nothing to commit, nothing to rebalance) —
a record there means a queued delivery is about to appear. A missed ring costs only latency: the
deliverer still sweeps its queue every few seconds.
"""

from __future__ import annotations

import threading
import time

from kafka import KafkaConsumer

from shared.config import KafkaSettings

SLICE_SECONDS = 0.5  # the longest a wait ignores a stop request


class KafkaDoorbell:
    def __init__(self, consumer: KafkaConsumer) -> None:
        self.consumer = consumer

    def wait(self, timeout: float, stop: threading.Event) -> bool:
        """Block until records arrive on the topic (True), `timeout` seconds pass or `stop` is set (False)."""
        deadline = time.monotonic() + timeout
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            batch = self.consumer.poll(timeout_ms=int(min(left, SLICE_SECONDS) * 1000), max_records=500)
            if any(batch.values()):
                return True
        return False

    def close(self) -> None:
        self.consumer.close(autocommit=False, timeout_ms=3_000)


def kafka_doorbell(settings: KafkaSettings, topic: str) -> KafkaDoorbell:
    """A doorbell on `topic` that starts at its end (only new records ring it)."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=list(settings.bootstrap_servers),
        client_id=f"{settings.client_id}-doorbell",
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="latest",
        fetch_max_wait_ms=int(SLICE_SECONDS * 1000),
        bootstrap_timeout_ms=3_000,  # with the broker down the deliverer tries again (shared.resilience)
    )
    return KafkaDoorbell(consumer)
