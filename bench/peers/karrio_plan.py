"""What the Karrio peer is made of: its pinned packages, its folders, its ports and its environment (pure).

Everything lives under `.local/peers/karrio/` so the install is re-created from this code alone, and every
port is the bench's port base + 900.. so the peer never meets another stack (nor a default port).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

VERSION = "2026.1.32"
# karrio-server-pricing is required although upstream's docs call it optional: without it `karrio migrate`
# fails (a providers migration depends on pricing.0023). karrio-ups and -data are optional extras of the recipe.
PACKAGES = ("karrio", "karrio-server", "karrio-server-core", "karrio-server-manager", "karrio-server-events",
            "karrio-server-graph", "karrio-server-orders", "karrio-server-pricing", "karrio-server-data",
            "karrio-generic", "karrio-ups")
CONSTRAINTS = Path(__file__).with_name("karrio-constraints.txt")
PYTHON_VERSION = "3.12.1"  # pyenv's; Django 6.0 (upstream's pin) needs Python 3.12+
HTTP_OFFSET, POSTGRES_OFFSET, REDIS_OFFSET = 900, 901, 902
WORKERS = 2  # upstream's KARRIO_WORKERS default (gunicorn-cfg.py)
# DRF's throttles would refuse a single bench token at 600/min; a one-second window keeps the per-user list
# of request times that DRF pickles on every request short (a huge /minute rate would not).
RATE_LIMIT = "100000/second"
SECRET_KEY = "parcelbridge-bench-peer-karrio-fixed-secret-key-not-for-production-0123456789"
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "bench-peer"


@dataclass(frozen=True)
class Ports:
    http: int
    postgres: int
    redis: int


def ports(port_base: int) -> Ports:
    return Ports(port_base + HTTP_OFFSET, port_base + POSTGRES_OFFSET, port_base + REDIS_OFFSET)


@dataclass(frozen=True)
class Folders:
    root: Path

    @property
    def venv(self) -> Path:
        return self.root / "venv"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def postgres(self) -> Path:
        return self.root / "postgres"

    @property
    def debian(self) -> Path:
        """Debian packages unpacked with `dpkg -x` (never installed system-wide)."""
        return self.root / "debian"

    def work(self, profile: str) -> Path:
        """Karrio's WORK_DIR for a profile: the SQLite file, its log, huey's queue, static files."""
        return self.root / "work" / profile

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name


def install_stamp() -> str:
    """Changes whenever the pins or the package list change, so a changed pin reinstalls the venv."""
    text = CONSTRAINTS.read_text() + "\n".join(PACKAGES) + PYTHON_VERSION
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def pip_command(venv: Path) -> list[str]:
    return [str(venv / "bin" / "pip"), "install", "--disable-pip-version-check", "--progress-bar", "off",
            "-c", str(CONSTRAINTS), *PACKAGES]


def environment(profile: str, folders: Folders, peer_ports: Ports) -> dict[str, str]:
    """Karrio's settings (python-decouple reads the process environment) for the `sqlite` or `postgres` profile."""
    work = folders.work(profile)
    env = {
        "SECRET_KEY": SECRET_KEY, "DEBUG_MODE": "False", "ENABLE_ALL_PLUGINS_BY_DEFAULT": "True",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "INFO", "TRACKING_PULSE": "86400",
        "WORK_DIR": str(work), "LOG_DIR": str(work / "log"), "WORKER_DB_DIR": str(work / "worker"),
        "STATIC_ROOT_DIR": str(work / "static"), "USER_RATE_LIMIT": RATE_LIMIT, "ANON_RATE_LIMIT": RATE_LIMIT,
        "CARRIER_REQUEST_RATE_LIMIT": RATE_LIMIT, "DETACHED_WORKER": "False", "WORKER_IMMEDIATE_MODE": "False",
    }
    if profile == "sqlite":
        return env | {"DATABASE_NAME": "db.sqlite3"}
    return env | {
        "DATABASE_ENGINE": "postgresql", "DATABASE_NAME": "karrio", "DATABASE_HOST": "127.0.0.1",
        "DATABASE_PORT": str(peer_ports.postgres), "DATABASE_USERNAME": "postgres", "DATABASE_PASSWORD": "postgres",
        # REDIS_PORT always with REDIS_HOST: huey's pool passes it on unchanged, possibly None.
        "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(peer_ports.redis),
    }


def gunicorn_command(folders: Folders, http_port: int) -> list[str]:
    """As upstream runs it (docker/api/entrypoint): the ASGI app under karrio's uvicorn worker class."""
    # gunicorn 26's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl), shared by every
    # gunicorn of that user on the machine; the bench never uses it.
    return [str(folders.bin("gunicorn")), "karrio.server.asgi", "-k", "karrio.server.workers.UvicornWorker",
            "-w", str(WORKERS), "-b", f"127.0.0.1:{http_port}", "--no-control-socket"]


def huey_command(folders: Folders) -> list[str]:
    return [str(folders.bin("karrio")), "run_huey", "-w", "1"]
