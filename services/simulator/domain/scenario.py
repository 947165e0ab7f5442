"""What happens to one booked parcel: the plot (holds, attempts, end) and its carrier events in order.

Pure: a parcel, the odds and a seeded random give the same journey every time. Events follow the leg plan
(each leg's events spread over its planned window) and every delay (a hold, a failed attempt) pushes all
later events back, so simulated times only move forward.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Literal

from services.simulator.domain.codes import (
    EXPORT_HOLDS,
    IMPORT_HOLDS,
    STEPS,
    HoldReason,
    SfCode,
    Step,
    export_hold_step,
    import_hold_step,
)
from services.simulator.domain.parcel import Parcel
from services.simulator.domain.places import Place
from shared.events.schemas.vocabulary import Reason

End = Literal["delivered", "held_for_pickup", "returned"]
Return = Literal["duties_refused", "refused_at_door"]
MIN_GAP = timedelta(minutes=10)  # between two events of one parcel, in simulated time


@dataclass(frozen=True)
class Odds:
    """Probabilities, each 0..1: per parcel, except duplicate and out_of_order (per event and per batch) and
    malformed (per carrier request: a deliberately malformed push follows it). `withhold`: none of the
    parcel's scans is pushed (as when a carrier drops pushes after its retries); its query API still knows them."""

    export_hold: float = 0.1
    import_hold: float = 0.1
    failed_attempt: float = 0.1
    pickup: float = 0.05
    returned: float = 0.03
    duplicate: float = 0.05
    out_of_order: float = 0.05
    unmapped: float = 0.02
    dap: float = 0.4
    malformed: float = 0.0
    withhold: float = 0.0

    def __post_init__(self) -> None:
        bad = [f.name for f in fields(self) if not 0 <= getattr(self, f.name) <= 1]
        if bad:
            raise ValueError(f"probabilities must be within 0..1: {', '.join(bad)}")


@dataclass(frozen=True)
class Plot:
    export_hold: Reason | None = None
    import_hold: Reason | None = None
    duties_due: bool = False
    failed_attempt: bool = False
    held_for_pickup: bool = False
    returned: Return | None = None
    unmapped: bool = False

    @property
    def end(self) -> End:
        if self.returned:
            return "returned"
        return "held_for_pickup" if self.held_for_pickup else "delivered"

    def labels(self) -> list[str]:
        """The twists this plot has, as the run's summary counts them."""
        twists = {
            "export hold": self.export_hold is not None, "import hold": self.import_hold is not None,
            "duties due": self.duties_due, "failed attempt": self.failed_attempt, "unmapped code": self.unmapped,
        }
        return [label for label, present in twists.items() if present]


@dataclass(frozen=True)
class PlannedEvent:
    step: Step
    sim_at: datetime  # UTC, on the simulated clock (the leg plan's time)
    place: Place
    text: str


@dataclass(frozen=True)
class Journey:
    parcel: Parcel
    plot: Plot
    events: tuple[PlannedEvent, ...]

    def number(self, event: PlannedEvent) -> str:
        return self.parcel.number_for(event.step.carrier)


@dataclass(frozen=True)
class _Beat:
    step: Step
    place: Place
    fraction: float  # where in the leg's planned window
    wait: timedelta = timedelta(0)  # extra delay before it (and everything after it)


def plan_journey(parcel: Parcel, odds: Odds, rng: random.Random) -> Journey:
    """The plot and the ordered events of one parcel."""
    plot, export_hold, import_hold = decide(parcel, odds, rng)
    events = _timed(parcel, _beats(parcel, plot, export_hold, import_hold, rng), rng)
    if plot.unmapped:
        events = _with_unmapped(events, rng)
    return Journey(parcel, plot, tuple(events))


def decide(parcel: Parcel, odds: Odds, rng: random.Random) -> tuple[Plot, HoldReason | None, HoldReason | None]:
    """Roll every probability once, in a fixed order (so a seed always gives the same plot)."""
    export_hold = rng.choice(EXPORT_HOLDS) if rng.random() < odds.export_hold else None
    import_hold = rng.choice(IMPORT_HOLDS) if rng.random() < odds.import_hold else None
    failed = rng.random() < odds.failed_attempt
    pickup = rng.random() < odds.pickup
    returned = rng.random() < odds.returned
    unmapped = rng.random() < odds.unmapped
    duties = parcel.recipient_pays_duties
    plot = Plot(
        export_hold=export_hold.reason if export_hold else None,
        import_hold=import_hold.reason if import_hold else None,
        duties_due=duties, failed_attempt=failed, held_for_pickup=pickup and not returned,
        returned=("duties_refused" if duties else "refused_at_door") if returned else None,
        unmapped=unmapped,
    )
    return plot, export_hold, import_hold


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


def _beats(parcel: Parcel, plot: Plot, export_hold: HoldReason | None, import_hold: HoldReason | None,
           rng: random.Random) -> list[tuple[str, list[_Beat]]]:
    legs = [
        ("first_mile", _first_mile(parcel)),
        ("export_customs", _export_customs(parcel, export_hold, rng)),
        ("air_linehaul", _linehaul(parcel)),
        ("import_customs", _import_customs(parcel, plot, import_hold, rng)),
    ]
    if plot.returned != "duties_refused":
        legs.append(("last_mile", _last_mile(parcel, plot, rng)))
    return legs


def _first_mile(parcel: Parcel) -> list[_Beat]:
    return [
        _Beat(STEPS["pickup"], parcel.pickup, 0.08),
        _Beat(STEPS["sorted"], parcel.origin_hub, 0.3),
        _Beat(STEPS["departed_hub"], parcel.origin_hub, 0.45),
        _Beat(STEPS["arrived_gateway"], parcel.export_gateway, 0.9),
    ]


def _export_customs(parcel: Parcel, hold: HoldReason | None, rng: random.Random) -> list[_Beat]:
    gateway = parcel.export_gateway
    beats = [_Beat(STEPS["export_declared"], gateway, 0.1)]
    if hold:
        beats.append(_Beat(export_hold_step(hold), gateway, 0.35))
    beats.append(_Beat(STEPS["export_cleared"], gateway, 0.9, _hours(rng, 12, 36) if hold else timedelta(0)))
    return beats


def _linehaul(parcel: Parcel) -> list[_Beat]:
    return [
        _Beat(STEPS["flight_departed"], parcel.export_gateway, 0.55),
        _Beat(STEPS["export_scan"], parcel.export_gateway, 0.57),
        _Beat(STEPS["arrived_us"], parcel.import_gateway, 0.93),
        _Beat(STEPS["import_scan"], parcel.import_gateway, 0.96),
    ]


def _import_customs(parcel: Parcel, plot: Plot, hold: HoldReason | None, rng: random.Random) -> list[_Beat]:
    gateway = parcel.import_gateway
    beats = [_Beat(STEPS["entry_filed"], gateway, 0.1)]
    held = _hours(rng, 12, 48) if hold else timedelta(0)
    if hold:
        beats.append(_Beat(import_hold_step(hold), gateway, 0.3))
    if plot.duties_due:
        due = STEPS[rng.choice(("duties_due", "duties_due_7f"))]
        beats.append(_Beat(due, gateway, 0.5, held))
        if plot.returned == "duties_refused":
            return [*beats, _Beat(STEPS["duties_refused"], gateway, 0.9, _hours(rng, 48, 72))]
        beats.append(_Beat(STEPS["duties_paid"], gateway, 0.7, _hours(rng, 4, 36)))
        held = timedelta(0)
    return [*beats, _Beat(STEPS["released"], gateway, 0.9, held)]


def _last_mile(parcel: Parcel, plot: Plot, rng: random.Random) -> list[_Beat]:
    home = parcel.destination
    beats = [
        _Beat(STEPS["departed_gateway"], parcel.import_gateway, 0.1),
        _Beat(STEPS["destination_scan"], home, 0.45),
        *_delivery_round(home, 0.7),
    ]
    if plot.failed_attempt:
        beats.append(_Beat(STEPS["attempt_failed"], home, 0.85))
        if not plot.held_for_pickup:
            beats.extend(_delivery_round(home, 0.86, _hours(rng, 16, 20)))
    return beats + _ending(home, plot, rng)


def _delivery_round(home: Place, at: float, wait: timedelta = timedelta(0)) -> list[_Beat]:
    return [
        _Beat(STEPS["preparing"], home, at, wait),
        _Beat(STEPS["loaded"], home, at + 0.01),
        _Beat(STEPS["out_for_delivery"], home, at + 0.02),
    ]


def _ending(home: Place, plot: Plot, rng: random.Random) -> list[_Beat]:
    if plot.returned == "refused_at_door":
        return [_Beat(STEPS["refused"], home, 0.93), _Beat(STEPS["returning"], home, 0.97, _hours(rng, 1, 3))]
    if plot.held_for_pickup:
        step = STEPS[rng.choice(("held_for_pickup", "held_at_facility"))]
        return [_Beat(step, home, 0.95, _hours(rng, 2, 5))]
    return [_Beat(STEPS["delivered"], home, 0.95)]


def _timed(parcel: Parcel, legs: list[tuple[str, list[_Beat]]], rng: random.Random) -> list[PlannedEvent]:
    events: list[PlannedEvent] = []
    delay = timedelta(0)
    for leg, beats in legs:
        start, end = parcel.legs[leg]
        for beat in beats:
            delay += beat.wait
            fraction = min(max(beat.fraction + rng.uniform(-0.02, 0.02), 0.0), 1.0)
            at = start + (end - start) * fraction + delay
            if events and at < events[-1].sim_at + MIN_GAP:
                at = events[-1].sim_at + MIN_GAP + timedelta(minutes=rng.randint(0, 20))
            events.append(PlannedEvent(beat.step, at.replace(microsecond=0), beat.place, _text(beat)))
    return events


def _text(beat: _Beat) -> str:
    code = beat.step.code
    template = code.remark if isinstance(code, SfCode) else code.description
    return template.format(place=beat.place.sf_address)


def _with_unmapped(events: list[PlannedEvent], rng: random.Random) -> list[PlannedEvent]:
    """One event with a code nobody maps, between two events of the journey (never after its end)."""
    if len(events) < 3:
        return events
    i = rng.randrange(1, len(events) - 1)
    before, after = events[i], events[i + 1]
    step = STEPS["sf_unmapped" if before.step.carrier == "sf_express" else "ups_unmapped"]
    at = (before.sim_at + (after.sim_at - before.sim_at) / 2).replace(microsecond=0)
    return [*events[: i + 1], PlannedEvent(step, at, before.place, _text(_Beat(step, before.place, 0))),
            *events[i + 1:]]
