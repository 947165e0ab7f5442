"""A service's routing table, bound to its deps, as the batch unit's routes."""

from dataclasses import dataclass

from shared.batch.routes import Applied, Handles, bind, bind_hooks, keyed
from shared.events.envelope import CloudEvent, new_event


@dataclass(frozen=True)
class Deps:
    step: int
    home: dict


def _issued(shipper: str) -> CloudEvent:
    data = {"shipper_id": shipper, "shipper_name": "Acme", "key_id": "k", "key_hash": "c" * 64}
    return new_event("shipper.key_issued", shipper, data, source="/tests")


def _add(counter: dict | None, event: CloudEvent, deps: Deps) -> Applied[dict]:
    return Applied({"n": (counter or {"n": 0})["n"] + deps.step})


def _where(event: CloudEvent, deps: Deps) -> tuple[str, str]:
    return "homes", deps.home[event.subject]


def test_every_handler_is_given_the_same_deps():
    routes = bind({"shipper.key_issued": Handles(_add, keyed("counters"))}, Deps(step=5, home={}))
    assert routes["shipper.key_issued"].apply({"n": 1}, _issued("shp_a")).aggregate == {"n": 6}


def test_a_keyed_table_names_the_collection_and_the_subject():
    routes = bind({"shipper.key_issued": Handles(_add, keyed("counters"))}, Deps(step=1, home={}))
    assert routes["shipper.key_issued"].document(_issued("shp_a")) == ("counters", "shp_a")


def test_a_key_other_than_the_subject_is_used_when_given():
    locate = keyed("counters", lambda e: e.data["key_id"])
    assert locate(_issued("shp_a")) == ("counters", "k")


def test_a_locator_that_needs_the_deps_is_given_them():
    table = {"shipper.key_issued": Handles(_add, _where, locate_with_deps=True)}
    routes = bind(table, Deps(step=1, home={"shp_a": "home_7"}))
    assert routes["shipper.key_issued"].document(_issued("shp_a")) == ("homes", "home_7")


def test_after_write_hooks_are_given_the_deps_too():
    seen = []
    hooks = bind_hooks({"shipper.key_issued": lambda events, deps: seen.append((len(events), deps.step)) or []},
                       Deps(step=3, home={}))
    assert hooks["shipper.key_issued"]([_issued("shp_a")]) == [] and seen == [(1, 3)]
