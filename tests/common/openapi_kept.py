"""The checks that a rebuilt OpenAPI document still publishes everything an earlier one did."""

from __future__ import annotations

from typing import Any

from tests.common.openapi_contract import contract


def lost_promises(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What `after` no longer promises: operations, parameters, body schemas, required fields; [] when all kept.

    A request body must require exactly the fields it did (one more would refuse a client's request); an
    answer may require more than before (a client never finds one missing), never less.
    """
    old, new = contract(before), contract(after)
    lost = [f"operation {op}" for op in sorted(old.operations - new.operations)]
    lost += [f"operation added {op}" for op in sorted(new.operations - old.operations)]
    lost += [f"parameters of {op}: {old.parameters[op]} -> {new.parameters.get(op)}"
             for op in sorted(old.parameters) if new.parameters.get(op) != old.parameters[op]]
    for where, fields in sorted(old.required.items()):
        now = new.required.get(where)
        kept = now == fields if where[1] == "request" else now is not None and now >= fields
        if not kept:
            lost.append(f"required at {where}: {sorted(fields)} -> {sorted(now) if now is not None else 'gone'}")
    return lost
