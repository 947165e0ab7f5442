"""When a run sends malformed traffic, and which: drawn from a random of its own, so it changes no journey."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import datetime

from services.simulator import poison
from services.simulator.carriers import malformed
from services.simulator.carriers.malformed import Carrier
from services.simulator.poison import Poison


class Mischief:
    """`p_malformed`: per carrier request, a malformed push follows it; `poison_records`: how many in all."""

    def __init__(self, seed: int, p_malformed: float, poison_records: int):
        self.seed = seed
        self.rng = random.Random(f"{seed}:mischief")
        self.p_malformed, self.poison_records = p_malformed, poison_records
        self.pushed: Counter[Carrier] = Counter()
        self.poisoned = 0

    def next_push(self, carrier: Carrier) -> tuple[str, str] | None:
        """(kind, push id) of a malformed push to send now, or None."""
        if self.p_malformed <= 0 or self.rng.random() >= self.p_malformed:
            return None
        kind = malformed.kind_for(carrier, self.pushed[carrier])
        self.pushed[carrier] += 1
        return kind, f"mal-{self.rng.getrandbits(48):012x}"

    def withholds(self, shipment_id: str, p_withhold: float) -> bool:
        """Whether this parcel's pushes are all withheld: a stable draw of its own, so other draws never shift."""
        return p_withhold > 0 and random.Random(f"{self.seed}:withhold:{shipment_id}").random() < p_withhold

    def next_poison(self, shipment_id: str, now: datetime) -> Poison | None:
        """The next poison record, keyed by this shipment, until the run's count is reached."""
        if self.poisoned >= self.poison_records:
            return None
        kind = poison.kind_for(self.poisoned)
        self.poisoned += 1
        return poison.poison(kind, str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), shipment_id, now)
