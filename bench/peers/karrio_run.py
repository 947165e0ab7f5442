"""The peer's steps in one run: install, profile, set-up, then its workloads; a failure is a result, not a skip.

Called after our own stack has stopped, so the two systems never share the machine; everything Karrio
started (gunicorn, huey, PostgreSQL, Redis) is stopped before this returns, whatever happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from bench import bars
from bench.config import BenchConfig
from bench.peers import karrio_install, karrio_seed, karrio_server, karrio_services, karrio_steps
from bench.peers.karrio_plan import PYTHON_VERSION, VERSION, WORKERS, Folders, environment, ports
from bench.peers.karrio_process import PeerFailed, excerpt
from bench.vegeta import Vegeta

# The repository's own .local/ (git-ignored), found from this file: the infra layout module is moving packages.
ROOT = Path(__file__).resolve().parents[2] / ".local" / "peers" / "karrio"
PROFILES = {"postgres": "P2, production-like: PostgreSQL + Redis + one huey consumer",
            "sqlite": "P1, minimal: SQLite, no Redis, no huey consumer (tasks queue up unrun)"}


def measure(config: BenchConfig, console: Console, load: Vegeta, root: Path = ROOT) -> dict[str, Any]:
    """The peer's result: profile, settings, set-up times and figures; on failure `failed`, `error`, log excerpt."""
    folders, peer = Folders(root), {"name": "Karrio", "version": VERSION, "timings_s": {}}
    say = lambda m: console.print(f"[dim]{m}[/]")  # noqa: E731
    try:
        with bars.progress(console) as bar:
            _run(config, folders, peer, bar, say, load)
    except PeerFailed as failed:
        peer.update(failed=True, step=failed.step, error=str(failed), log=str(failed.log or ""),
                    log_excerpt=excerpt(failed.log))
        console.print(f"[bold red]peer Karrio failed at {failed.step}:[/] {failed} (log: {failed.log})")
    except Exception as exc:  # reported with the gunicorn log, never skipped silently; the run goes on to write it
        log = folders.logs / "gunicorn.log"
        peer.update(failed=True, step=peer.get("running", "?"), error=f"{type(exc).__name__}: {exc}", log=str(log),
                    log_excerpt=excerpt(log))
        console.print(f"[bold red]peer Karrio failed:[/] {type(exc).__name__}: {exc}")
    peer.pop("running", None)
    return peer


def _run(config: BenchConfig, folders: Folders, peer: dict[str, Any], bar: Progress, say, load: Vegeta) -> None:
    peer["running"] = "install"
    installed = _timed(peer, "install", lambda: _counted(bar, "karrio: pip install (packages collected)",
                                                         lambda tick: karrio_install.ensure(folders, tick)))
    say(f"karrio venv {'installed' if installed['cold'] else 'already current'} in {installed['seconds']:,.0f} s")
    peer["install"] = installed
    peer_ports = ports(config.port_base)
    with ExitStack() as services:
        profile = _profile(folders, peer_ports, services, peer, say)
        env = environment(profile, folders, peer_ports)
        peer["profile"], peer["settings"] = profile, _settings(profile, peer)
        _prepare_and_measure(config, folders, env, (profile, peer_ports.http), peer, bar, say, load)


def _profile(folders: Folders, peer_ports, services: ExitStack, peer: dict[str, Any], say) -> str:
    """PostgreSQL + Redis when both start, else SQLite (the reason kept for the report)."""
    peer["running"] = "postgresql"
    try:
        peer["postgresql"] = services.enter_context(karrio_services.postgres(folders, peer_ports))
        peer["running"] = "redis"
        peer["redis"] = services.enter_context(karrio_services.redis(folders, peer_ports))
        return "postgres"
    except PeerFailed as failed:
        services.close()
        peer["profile_reason"] = f"{failed.step}: {failed} — last log lines: {excerpt(failed.log, 5)}"
        say(f"[yellow]PostgreSQL/Redis could not start ({failed}); Karrio runs on its SQLite profile[/]")
        return "sqlite"


def _settings(profile: str, peer: dict[str, Any]) -> dict[str, str]:
    servers = (f"PostgreSQL {peer.get('postgresql')} + Redis {peer.get('redis')} on 127.0.0.1"
               if profile == "postgres" else "SQLite file")
    return {"profile": PROFILES[profile], "store": servers, "Python": PYTHON_VERSION,
            "server": f"gunicorn, ASGI, {WORKERS} karrio UvicornWorker processes",
            "throttles": "user/anon/carrier_request 100000/second", "LOG_LEVEL": "INFO",
            "DATABASE_CONN_MAX_AGE": "0 (default)", "huey consumer": "1 (-w 1)" if profile == "postgres" else "none"}


def _prepare_and_measure(config: BenchConfig, folders: Folders, env: dict[str, str], served: tuple[str, int],
                         peer: dict[str, Any], bar: Progress, say, load: Vegeta) -> None:
    profile, port = served
    karrio_server.prepare_folders(folders, env)
    peer["running"] = "migrate"
    _timed(peer, "migrate", lambda: _counted(bar, "karrio: migrate (migrations applied)",
                                             lambda tick: karrio_server.migrate(folders, env, tick)))
    peer["running"] = "token"
    found = _timed(peer, "user and token", lambda: karrio_server.state(folders, env))
    missing = max(0, config.stored_trackers - found["trackers"])
    peer["running"] = "seed"
    peer["seeding"] = bars.step(bar, "karrio: trackers seeded through its ORM", missing,
                                lambda tick: karrio_server.seed(folders, env, found["trackers"],
                                                                config.stored_trackers, tick))
    stored = max(found["trackers"], config.stored_trackers)
    numbers = karrio_seed.sample_numbers(stored, config.read_sample, config.seed)
    peer["running"] = "start"
    with _serving(folders, env, port, profile, peer) as url:
        say(f"karrio answering at {url} ({profile} profile)")
        karrio_server.ensure_connection(url, found["key"])
        peer["running"] = "tracker GET"
        peer["reads"] = karrio_steps.reads(load, url, found["key"], numbers, config,
                                           lambda rate: bars.rate_bar(bar, f"karrio tracker GET at {rate:g}/s",
                                                                      rate * config.read_duration_s))
        peer["reads"] |= {"stored": stored, "numbers": len(numbers)}
        peer["running"] = "order POST"
        peer["orders"] = karrio_steps.orders(url, found["key"], config,
                                             lambda rate: bars.rate_bar(bar, f"karrio orders at {rate:g}/s",
                                                                        rate * config.order_duration_s))


@contextmanager
def _serving(folders: Folders, env: dict[str, str], port: int, profile: str, peer: dict[str, Any]) -> Iterator[str]:
    began = time.perf_counter()
    with karrio_server.serving(folders, env, port, with_huey=profile == "postgres") as url:
        peer["timings_s"]["start until GET / answered"] = round(time.perf_counter() - began, 1)
        yield url


def _counted(bar: Progress, label: str, work: Callable[[Callable[[int], None]], Any]) -> Any:
    """A step whose total is not known in advance: a running count, closed at what it reached."""
    task = bar.add_task(label, total=None)
    done = work(lambda n: bar.advance(task, n))
    reached = next(t.completed for t in bar.tasks if t.id == task)
    bar.update(task, total=reached, completed=reached)
    return done


def _timed(peer: dict[str, Any], name: str, work: Callable[[], Any]) -> Any:
    began = time.perf_counter()
    done = work()
    peer["timings_s"][name] = round(time.perf_counter() - began, 1)
    return done
