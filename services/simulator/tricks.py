"""Playing what Mischief plans: send a malformed push or produce a poison record, count it, and write it down
in the ground truth, so the run's summary and the truth file say how the system took each one."""

from __future__ import annotations

import logging
from datetime import datetime

from services.simulator import payloads
from services.simulator.carriers import malformed
from services.simulator.carriers.malformed import Carrier
from services.simulator.domain.dispatch import Dispatch
from services.simulator.ground_truth import malformed_record, poison_record
from services.simulator.mischief import Mischief
from services.simulator.ports import Ingest, Truth, Upstream
from services.simulator.state import ParcelRun, Tally
from shared.errors import TransientError

log = logging.getLogger(__name__)


def send_malformed(mischief: Mischief, ingest: Ingest, tally: Tally, truth: Truth, carrier: Carrier,
                   run: ParcelRun, dispatch: Dispatch) -> None:
    """A malformed copy of this event's push, when one is due for the carrier."""
    planned = mischief.next_push(carrier)
    if planned is None:
        return
    push = malformed.sf_push(payloads.sf_route(run, dispatch), *planned) if carrier == "sf" else \
        malformed.ups_push(payloads.ups_alert(run, dispatch), *planned)
    answer = ingest.post_malformed(push)
    tally.malformed[f"{carrier} {push.kind} answered {answer.status}"] += 1
    record = malformed_record(push, answer.status, answer.detail)
    if not record["refused"]:  # the tracking service has a bug: say so now, not only in the truth file
        log.warning("malformed push not refused with a 4xx", extra={"kind": push.kind, "status": answer.status})
    truth.write(record)


def send_poison(mischief: Mischief, upstream: Upstream, tally: Tally, truth: Truth, shipment_id: str,
                now: datetime) -> None:
    """A poison record on the scans topic, when one is due for this new booking."""
    poison = mischief.next_poison(shipment_id, now)
    if poison is None:
        return
    error = None
    try:
        upstream.send_records([poison.record])
    except TransientError as exc:  # recorded as not produced; the run goes on
        error = str(exc)
    tally.poison[poison.kind if error is None else "not acknowledged"] += 1
    truth.write(poison_record(poison, error))
