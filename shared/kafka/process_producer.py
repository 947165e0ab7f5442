"""This process's producer for request paths, made on first publish (after any fork).

kafka-python's constructor itself waits for a broker (`bootstrap_timeout_ms`); made on first use, a broker
that is down is one more transient publish failure instead of a process that cannot start.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable

from kafka.errors import KafkaError

from shared.errors import TransientError
from shared.events.envelope import CloudEvent
from shared.kafka.producer import EventProducer


class ProcessProducer:
    def __init__(self, make: Callable[[], EventProducer]):
        self.make = make
        self._made: tuple[int, EventProducer] | None = None
        self._making = threading.Lock()  # a web worker's threads publish at once: make one producer, not several

    def publish(self, events: Iterable[CloudEvent]) -> None:
        """Return once every event is acknowledged by the broker; raise TransientError otherwise.

        A producer that failed is replaced on the next publish: one whose flush timed out may hold batches it will
        never send, and would make every later request wait out the same timeout.
        """
        producer = self._producer()
        try:
            producer.publish(events)
        except TransientError:
            self._discard(producer)
            raise

    def _producer(self) -> EventProducer:
        with self._making:
            if self._made is None or self._made[0] != os.getpid():
                try:
                    self._made = (os.getpid(), self.make())
                except KafkaError as exc:
                    raise TransientError(f"no producer: {exc!r}") from exc
            return self._made[1]

    def _discard(self, failed: EventProducer) -> None:
        with self._making:
            if self._made is not None and self._made[1] is failed:
                self._made = None
        failed.close(timeout=0)

    def close(self) -> None:
        if self._made is not None and self._made[0] == os.getpid():
            self._made[1].close()
            self._made = None
