"""One configuration per stack: the environment of its first start, kept in `<data dir>/stack.env`.

`parcelbridge run` and `services up` write the file once (generating carrier credentials where none are given)
and from then on start every process with exactly what it records, whatever the calling shell has; the
supervisor restarts processes with the same. `infra reset` deletes it with the rest of the stack's data.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path

from dotenv import dotenv_values

FILE_NAME = "stack.env"
PREFIXES = ("PARCELBRIDGE_", "ORDERS_", "SHIPPING_", "TRACKING_", "CONSOLE_", "KAFKA_", "MONGODB_", "WEBHOOKS_",
            "SF_", "UPS_", "WEB_", "READINESS_", "WORKER_", "SUPERVISOR_", "SIMULATOR_")
NAMES = frozenset({"LOG_LEVEL", "MAX_BODY_BYTES"})
# Where the file itself lives, and what the stack gives each process of its own: never recorded.
NOT_RECORDED = frozenset({"PARCELBRIDGE_DATA_DIR", "WORKER_HEALTH_PORT", "PROMETHEUS_MULTIPROC_DIR"})
# Generated at the first start when not given: the simulator signs with them and tracking checks them.
SECRETS = ("SF_CHECK_WORD", "UPS_TRACK_ALERT_CREDENTIAL")
HEADER = ("# parcelbridge stack configuration, written at its first start: every start and restart of this stack\n"
          "# uses exactly these values (the shell's are ignored). Edit, then `services down` and `services up`.\n")


def is_stack_variable(name: str) -> bool:
    return name not in NOT_RECORDED and (name in NAMES or name.startswith(PREFIXES))


def first_start(environ: Mapping[str, str], token: Callable[[], str] = lambda: secrets.token_urlsafe(24)
                ) -> dict[str, str]:
    """What a stack records at its first start: its variables from `environ`, plus any secret not given."""
    recorded = {name: value for name, value in sorted(environ.items()) if is_stack_variable(name)}
    for name in SECRETS:
        if not recorded.get(name, "").strip():
            recorded[name] = token()
    return recorded


def effective(environ: Mapping[str, str], recorded: Mapping[str, str]) -> dict[str, str]:
    """The environment processes get: the shell's, with every stack variable taken from the record alone."""
    return {**{k: v for k, v in environ.items() if not is_stack_variable(k)}, **recorded}


def ignored(environ: Mapping[str, str], recorded: Mapping[str, str]) -> list[str]:
    """Stack variables of the shell that the record overrides or drops (worth a word to whoever set them)."""
    return sorted(k for k, v in environ.items() if is_stack_variable(k) and recorded.get(k) != v)


def render(recorded: Mapping[str, str]) -> str:
    """KEY='value' lines, readable by python-dotenv and by a POSIX shell (`set -a; . stack.env`)."""
    lines = [f"{name}='{_quoted(value)}'" for name, value in recorded.items()]
    return HEADER + "\n".join(lines) + "\n"


def _quoted(value: str) -> str:
    # python-dotenv's escapes inside single quotes (a shell would not read these two back the same way).
    return value.replace("\\", "\\\\").replace("'", "\\'")


def path_in(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def establish(path: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """The stack's record: read from `path`, or made from `environ` and written there (owner-only) first."""
    if path.exists():
        return {name: value or "" for name, value in dotenv_values(path).items()}
    recorded = first_start(environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(render(recorded))
    return recorded


def apply(environ: MutableMapping[str, str], recorded: Mapping[str, str]) -> None:
    """Make `environ` (os.environ, inherited by every process started after) the stack's configuration."""
    target = effective(environ, recorded)
    for name in [name for name in environ if name not in target]:
        del environ[name]
    environ.update(target)
