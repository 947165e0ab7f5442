"""Karrio itself: migrate, the bench user and token, stored trackers, then gunicorn (and huey) while measured.

Each step is idempotent, so a second run only migrates nothing, finds its token and seeds what is missing.
Commands run in the profile's WORK_DIR with the profile's environment; their output goes to logs/<step>.log.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import requests

from bench.peers import karrio_seed
from bench.peers.karrio_plan import Folders, gunicorn_command, huey_command
from bench.peers.karrio_process import PeerFailed, run_logged, start_logged, stop
from bench.peers.karrio_requests import auth, connection_body, has_connection

READY_TIMEOUT_S = 300  # two workers importing Django and every karrio module on shared cores


def manage(folders: Folders, env: dict[str, str], step: str, args: list[str],
           on_line: Callable[[str], None] | None = None) -> str:
    """`karrio <args>` (Karrio's manage.py) in the profile's WORK_DIR; its output."""
    return run_logged(step, [str(folders.bin("karrio")), *args], folders.logs / f"{step}.log", env=env,
                      cwd=folders.work(_profile(env)), on_line=on_line)


def _profile(env: dict[str, str]) -> str:
    return "postgres" if env.get("DATABASE_ENGINE") == "postgresql" else "sqlite"


def prepare_folders(folders: Folders, env: dict[str, str]) -> None:
    for key in ("WORK_DIR", "LOG_DIR", "WORKER_DB_DIR", "STATIC_ROOT_DIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)


def migrate(folders: Folders, env: dict[str, str], tick: Callable[[int], None]) -> None:
    manage(folders, env, "migrate", ["migrate", "--noinput"],
           on_line=lambda line: tick(1) if line.lstrip().startswith("Applying") else None)
    if not any(Path(env["STATIC_ROOT_DIR"]).iterdir()):
        manage(folders, env, "collectstatic", ["collectstatic", "--noinput"])


def state(folders: Folders, env: dict[str, str]) -> dict[str, Any]:
    """{"key": the bench token, "trackers": PB trackers stored}, creating the user and token the first time."""
    found = karrio_seed.parse_states(manage(folders, env, "token", ["shell", "-c", karrio_seed.state_script()]))
    if not found or "key" not in found[-1]:
        raise PeerFailed("token", "the state script printed no token", folders.logs / "token.log")
    return found[-1]


def seed(folders: Folders, env: dict[str, str], stored: int, wanted: int, tick: Callable[[int], None]
         ) -> dict[str, Any]:
    """Store trackers up to `wanted` through the ORM; how long the shell took (Django start-up included)."""
    if stored >= wanted:
        return {"trackers": 0, "seconds": 0.0, "trackers_per_s": 0.0}
    began = time.perf_counter()

    def count(line: str) -> None:
        for found in karrio_seed.parse_states(line):
            tick(found.get("seeded", 0))

    manage(folders, env, "seed", ["shell", "-c", karrio_seed.seed_script(stored, wanted)], on_line=count)
    seconds = time.perf_counter() - began
    return {"trackers": wanted - stored, "seconds": round(seconds, 1),
            "trackers_per_s": round((wanted - stored) / seconds, 1)}


@contextmanager
def serving(folders: Folders, env: dict[str, str], port: int, with_huey: bool) -> Iterator[str]:
    """gunicorn (and one huey consumer) until the block ends; yields the base URL once `GET /` answers 200."""
    cwd, url = folders.work(_profile(env)), f"http://127.0.0.1:{port}"
    with ExitStack() as running:
        web = start_logged(gunicorn_command(folders, port), folders.logs / "gunicorn.log", env=env, cwd=cwd)
        running.callback(stop, web)
        if with_huey:
            running.callback(stop, start_logged(huey_command(folders), folders.logs / "huey.log", env=env, cwd=cwd))
        _wait_ready(url, web, folders)
        yield url


def _wait_ready(url: str, web: subprocess.Popen, folders: Folders) -> None:
    deadline, log = time.monotonic() + READY_TIMEOUT_S, folders.logs / "gunicorn.log"
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise PeerFailed("start", f"gunicorn exited {web.returncode} before answering", log)
        try:
            if requests.get(url + "/", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet: the workers are still importing
            pass
        time.sleep(1)
    raise PeerFailed("start", f"Karrio did not answer GET / with 200 within {READY_TIMEOUT_S} s", log)


def ensure_connection(url: str, key: str) -> None:
    """The generic carrier connection, created once (the trackers name it as their carrier)."""
    session = requests.Session()
    listing = session.get(f"{url}/v1/connections", headers=auth(key), timeout=30)
    if listing.ok and has_connection(listing.json()):
        return
    created = session.post(f"{url}/v1/connections", json=connection_body(), headers=auth(key), timeout=30)
    if created.status_code != 201:
        raise PeerFailed("connection", f"POST /v1/connections answered {created.status_code}: "
                                       f"{json.dumps(created.json())[:500] if created.content else ''}")
