"""The reconciliation poller: asks the carriers about quiet trackers, run on the tracking relay's passes.

A pass reads the quiet trackers (an `_id` range of `recon_quiet`, then their trackers), keeps those due
(domain/reconciliation.py), asks each carrier in calls of at most 10 numbers through its guarded client (rate
limit, retries, breaker), and hands every
answer to the push endpoints' own path: the carrier's parser, the plausibility check, `handlers.ingest` onto
the scans topic — so a scan that arrives by push and by poll is one scan (its stable id), and there is no
second write path into a tracker. The trackers asked about are recorded in one bulk write.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from services.tracking import handlers
from services.tracking.adapters.carrier_query.guarded import CarrierUnavailable, CircuitOpen
from services.tracking.adapters.reconciliation_store import ReconciliationStore
from services.tracking.carriers.mapping import MalformedPayload
from services.tracking.carriers.plausibility import check_plausible
from services.tracking.carriers.refusals import Parsed
from services.tracking.carriers.sf import parse as sf_parse
from services.tracking.carriers.ups import parse as ups_parse
from services.tracking.domain.model import Tracker
from services.tracking.domain.reconciliation import Call, Quiet, Thresholds, calls, due, quiet_before, quiet_of
from services.tracking.domain.scan import CanonicalScan
from services.tracking.metrics import RECON_CALLS, RECON_DUE, RECON_NOTES, RECON_NUMBERS, RECON_SCANS

log = logging.getLogger(__name__)
PARSERS: dict[str, Callable[[Any], Parsed]] = {"sf_express": sf_parse.parse, "ups": ups_parse.parse}


class CarrierQuery(Protocol):
    carrier: str

    def query(self, numbers: Sequence[str]) -> list[Any]:
        """The carrier's raw answers for these numbers; raises CarrierUnavailable."""


@dataclass
class PassReport:
    due: int = 0
    calls: int = 0
    failed: int = 0
    skipped: int = 0
    scans: int = 0
    learned: int = 0


class Reconciler:
    """One pass at most every `interval` seconds, however often the relay calls it (like ParkedSweep)."""

    def __init__(self, store: ReconciliationStore, deps: handlers.Deps, clients: Mapping[str, CarrierQuery],
                 thresholds: Thresholds, interval: float, max_per_pass: int, *,
                 stop: threading.Event | None = None, on_progress: Callable[[], None] = lambda: None,
                 monotonic: Callable[[], float] = time.monotonic):
        self.store, self.deps, self.clients, self.thresholds = store, deps, clients, thresholds
        self.interval, self.max_per_pass, self.stop, self.on_progress = interval, max_per_pass, stop, on_progress
        self.monotonic = monotonic
        self._cursor: str | None = None  # the last `recon_quiet` key the walk read
        self._due = float("-inf")

    def __call__(self) -> None:
        if not self.clients or self.monotonic() < self._due:
            return
        self.run_pass()
        self._due = self.monotonic() + self.interval

    def run_pass(self) -> PassReport:
        now = self.deps.clock()
        keys = self.store.quiet_keys(quiet_before(now - self.thresholds.shortest), self._cursor, self.max_per_pass)
        # A full page: the next pass goes on after it; a short one: the walk starts over. Trackers asked about
        # recently stay in the range (a poll adds no event), so without the walk they would fill every page.
        self._cursor = keys[-1] if len(keys) >= self.max_per_pass else None
        trackers = self.deps.trackers.get_many(key.split("|", 1)[1] for key in keys)
        found = {shipment_id: quiet_of(tracker) for shipment_id, tracker in trackers.items()}
        current = {key for key in keys if _current(found, key)}
        self.store.drop_keys([key for key in keys if key not in current])  # the tracker moved on, or settled
        quiet = [found[key.split("|", 1)[1]] for key in sorted(current)]
        polled = self.store.polled([t.shipment_id for t in quiet]) if quiet else {}
        chosen = due(quiet, polled, self.thresholds, now)
        RECON_DUE.set(len(chosen))
        report = PassReport(due=len(chosen))
        if chosen:
            asked = [s for call in calls(chosen) if self._ask(call, trackers, report) for s in call.shipments]
            self.store.record_polls(asked, now)
            log.info("reconciliation pass", extra=vars(report))
        self.store.forget_polls(now - self.thresholds.longest)
        return report

    def _ask(self, call: Call, trackers: Mapping[str, Tracker], report: PassReport) -> bool:
        """Ask one carrier about one call's numbers and ingest the answer; False when it could not be asked."""
        client = self.clients.get(call.carrier)
        if client is None or (self.stop is not None and self.stop.is_set()):
            return False
        try:
            answers = client.query(call.numbers)
            scans = self._scans(call, answers)
        except CircuitOpen:
            return self._missed(call, "skipped", report)
        except CarrierUnavailable as exc:
            log.warning("carrier query failed", extra={"carrier": call.carrier, "error": str(exc)[:300]})
            return self._missed(call, "failed", report)
        handlers.ingest(scans, self.deps)
        self._count(call, scans, trackers, report)
        self.on_progress()
        return True

    def _scans(self, call: Call, answers: list[Any]) -> list[CanonicalScan]:
        asked, scans = set(call.numbers), []
        for answer in answers:
            try:
                parsed = check_plausible(PARSERS[call.carrier](answer))
            except MalformedPayload as exc:
                raise CarrierUnavailable(f"{call.carrier}: an answer we cannot read: {exc}") from exc
            handlers.count_refused(call.carrier, parsed.refusals)
            for note in parsed.errors + parsed.warnings:
                RECON_NOTES.labels(call.carrier, note.code or "none").inc()
            if parsed.errors:  # the carrier refused the query itself (bad signature, credentials...): say so
                log.warning("carrier answered a query with an error", extra={
                    "carrier": call.carrier, "errors": [f"{e.code} {e.message}"[:200] for e in parsed.errors]})
            scans.extend(s for s in parsed.scans if s.carrier_number in asked)
        return scans

    def _missed(self, call: Call, outcome: str, report: PassReport) -> bool:
        RECON_CALLS.labels(call.carrier, outcome).inc()
        setattr(report, outcome, getattr(report, outcome) + 1)
        self.on_progress()
        return False

    def _count(self, call: Call, scans: list[CanonicalScan], trackers: Mapping[str, Tracker],
               report: PassReport) -> None:
        owners = dict(zip(call.numbers, call.shipments, strict=True))
        learned = sum(1 for s in scans if not _known(trackers.get(owners[s.carrier_number]), s.scan_id))
        RECON_CALLS.labels(call.carrier, "ok").inc()
        RECON_NUMBERS.labels(call.carrier).inc(len(call.numbers))
        RECON_SCANS.labels(call.carrier, "learned").inc(learned)
        RECON_SCANS.labels(call.carrier, "known").inc(len(scans) - learned)
        report.calls += 1
        report.scans += len(scans)
        report.learned += learned


def _current(found: Mapping[str, Quiet], key: str) -> bool:
    """Whether the key is its tracker's current one: it exists, is unsettled, and heard nothing since."""
    tracker = found.get(key.split("|", 1)[1])
    return tracker is not None and not tracker.settled and tracker.key == key


def _known(tracker: Tracker | None, scan_id: str) -> bool:
    return tracker is not None and tracker.knows(scan_id)
