"""PostgreSQL and Redis for Karrio's production-like profile, bound to 127.0.0.1 on the peer's own ports.

PostgreSQL comes from Debian's package (on the machine, or unpacked under .local/peers/karrio/debian when
missing); Redis is unpacked there from Debian's packages (`apt-get download` + `dpkg -x`): installing the
package would start a system server on the default port. Neither is installed system-wide by the bench.
Any failure here is a PeerFailed, on which the run falls back to the SQLite profile and says why.
"""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.peers.karrio_plan import Folders, Ports
from bench.peers.karrio_process import PeerFailed, run_logged, start_logged, stop

REDIS_PACKAGES = ("redis-server", "redis-tools", "libjemalloc2", "liblzf1")
POSTGRES_PACKAGES = ("postgresql-15", "postgresql-client-15", "libpq5", "libicu72", "libllvm14")
MULTIARCH_LIB = "usr/lib/x86_64-linux-gnu"
READY_TIMEOUT_S = 60


def unpack(packages: tuple[str, ...], root: Path, log: Path) -> None:
    """Download Debian packages and extract them under `root` (no maintainer scripts, nothing started)."""
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="karrio-debs-") as folder:
        try:
            run_logged("debian packages", ["apt-get", "download", *packages], log, cwd=Path(folder))
        except PeerFailed:  # a fresh machine may have no package lists yet: fetch them once, as prerequisites.py does
            run_logged("debian packages", [*_sudo(), "apt-get", "update", "-q"], log)
            run_logged("debian packages", ["apt-get", "download", *packages], log, cwd=Path(folder))
        for deb in sorted(Path(folder).glob("*.deb")):
            run_logged("debian packages", ["dpkg", "-x", str(deb), str(root)], log)


def _sudo() -> list[str]:
    return [] if os.geteuid() == 0 else ["sudo"]


def library_env(folders: Folders) -> dict[str, str]:
    """The environment with the unpacked packages' shared libraries findable."""
    extra = str(folders.debian / MULTIARCH_LIB)
    return {**os.environ, "LD_LIBRARY_PATH": ":".join(filter(None, [extra, os.environ.get("LD_LIBRARY_PATH")]))}


def _postgres_bin(folders: Folders) -> Path | None:
    found = sorted([*Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                    *(folders.debian / "usr/lib/postgresql").glob("*/bin/pg_ctl")])
    return found[-1].parent if found else None


def _owner() -> str | None:
    """The user PostgreSQL runs as: ourselves, or `postgres` when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError as exc:
        raise PeerFailed("postgresql", "running as root and there is no `postgres` user to run PostgreSQL") from exc


def _as_owner(owner: str | None, command: list[str]) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextmanager
def postgres(folders: Folders, ports: Ports) -> Iterator[str]:
    """A PostgreSQL cluster of the peer's own (initdb once), with a `karrio` database; yields its version."""
    log = folders.logs / "postgres.log"
    binaries = _postgres_bin(folders)
    if binaries is None:
        unpack(POSTGRES_PACKAGES, folders.debian, log)
        binaries = _postgres_bin(folders)
    if binaries is None:
        raise PeerFailed("postgresql", "no pg_ctl found, even after unpacking Debian's postgresql-15", log)
    owner, data, env = _owner(), folders.postgres / "data", library_env(folders)
    _init(binaries, owner, data, log, env)
    _stop_leftover(binaries / "pg_ctl", owner, data, log, env)
    socket_dir = folders.postgres / "socket"
    options = f"-p {ports.postgres} -k {socket_dir} -c listen_addresses=127.0.0.1"
    run_logged("postgresql", _as_owner(owner, [str(binaries / "pg_ctl"), "-D", str(data), "-l",
                                               str(folders.postgres / "server.log"), "-w", "start", "-o", options]),
               log, env=env)
    try:
        _create_database(binaries, ports.postgres, log, env)
        yield binaries.parent.name
    finally:
        run_logged("postgresql", _as_owner(owner, [str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                                                   "stop"]), log, env=env)


def _stop_leftover(pg_ctl: Path, owner: str | None, data: Path, log: Path, env: dict[str, str]) -> None:
    """A cluster still running from a run that was killed: it is ours (our data folder), so stop it first."""
    status = subprocess.run(_as_owner(owner, [str(pg_ctl), "-D", str(data), "status"]), capture_output=True,
                            env=env, check=False)
    if status.returncode == 0:
        run_logged("postgresql", _as_owner(owner, [str(pg_ctl), "-D", str(data), "-m", "fast", "-w", "stop"]), log,
                   env=env)


def _init(binaries: Path, owner: str | None, data: Path, log: Path, env: dict[str, str]) -> None:
    (folders_root := data.parent).mkdir(parents=True, exist_ok=True)
    (folders_root / "socket").mkdir(exist_ok=True)
    if owner:
        subprocess.run(["chown", "-R", owner, str(folders_root)], check=True)
    if (data / "PG_VERSION").exists():
        return
    run_logged("postgresql", _as_owner(owner, [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U",
                                               "postgres", "-E", "UTF8", "--no-locale"]), log, env=env)


def _create_database(binaries: Path, port: int, log: Path, env: dict[str, str]) -> None:
    psql = [str(binaries / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-tA", "-c"]
    found = run_logged("postgresql", [*psql, "select 1 from pg_database where datname = 'karrio'"], log, env=env)
    if found.strip() != "1":
        run_logged("postgresql", [*psql, "create database karrio"], log, env=env)


def _redis_server(folders: Folders) -> Path:
    unpacked = folders.debian / "usr/bin/redis-server"
    if not unpacked.exists():
        unpack(REDIS_PACKAGES, folders.debian, folders.logs / "redis.log")
    return unpacked


@contextmanager
def redis(folders: Folders, ports: Ports) -> Iterator[str]:
    """A Redis of the peer's own, in memory only (no snapshots); yields its version."""
    server, log = _redis_server(folders), folders.logs / "redis.log"
    (folders.root / "redis").mkdir(parents=True, exist_ok=True)
    process = start_logged([str(server), "--port", str(ports.redis), "--bind", "127.0.0.1", "--save", "",
                            "--appendonly", "no", "--daemonize", "no", "--dir", str(folders.root / "redis")],
                           log, env=library_env(folders))
    try:
        _wait_for_pong(ports.redis, process, log)
        yield _redis_version(server, folders)
    finally:
        stop(process)


def _wait_for_pong(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PeerFailed("redis", f"redis-server exited {process.returncode}", log)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return
        except OSError:  # not listening yet
            pass
        time.sleep(0.2)
    raise PeerFailed("redis", f"redis-server did not answer PING on 127.0.0.1:{port} in {READY_TIMEOUT_S} s", log)


def _redis_version(server: Path, folders: Folders) -> str:
    done = subprocess.run([str(server), "--version"], capture_output=True, text=True, env=library_env(folders),
                          check=False)
    return next((part.split("=", 1)[1] for part in done.stdout.split() if part.startswith("v=")), "?")
