from pathlib import Path

from bench.peers.karrio_plan import (
    CONSTRAINTS,
    PACKAGES,
    Folders,
    environment,
    gunicorn_command,
    install_stamp,
    pip_command,
    ports,
)


def test_the_peer_takes_its_ports_from_the_bench_port_base():
    found = ports(25_000)
    assert (found.http, found.postgres, found.redis) == (25_900, 25_901, 25_902)


def test_every_package_installed_is_pinned_in_the_constraints_file():
    pinned = {line.split("==")[0].lower() for line in CONSTRAINTS.read_text().splitlines()
              if "==" in line and not line.startswith("#")}
    assert {package.lower() for package in PACKAGES} <= pinned
    assert "karrio-server-pricing" in PACKAGES  # migrate fails without it
    assert "scarf" not in CONSTRAINTS.read_text().split("\n# ")[-1]  # no unreachable extra index


def test_pip_installs_with_the_constraints_from_the_peers_own_venv():
    command = pip_command(Path("/p/venv"))
    assert command[0] == "/p/venv/bin/pip"
    assert command[command.index("-c") + 1] == str(CONSTRAINTS)


def test_the_install_stamp_is_stable_for_the_same_pins():
    assert install_stamp() == install_stamp()
    assert len(install_stamp()) == 16


def test_the_sqlite_profile_has_no_redis_and_the_postgres_profile_names_both_servers():
    folders = Folders(Path("/p"))
    sqlite = environment("sqlite", folders, ports(25_000))
    assert sqlite["DATABASE_NAME"] == "db.sqlite3"
    assert "REDIS_HOST" not in sqlite and "DATABASE_ENGINE" not in sqlite
    assert sqlite["WORK_DIR"] == "/p/work/sqlite"
    postgres = environment("postgres", folders, ports(25_000))
    assert postgres["DATABASE_ENGINE"] == "postgresql"
    assert (postgres["DATABASE_PORT"], postgres["REDIS_PORT"]) == ("25901", "25902")
    assert postgres["WORK_DIR"] == "/p/work/postgres"


def test_both_profiles_raise_the_throttles_and_turn_debug_off():
    env = environment("sqlite", Folders(Path("/p")), ports(25_000))
    assert env["DEBUG_MODE"] == "False"
    assert {env[k] for k in ("USER_RATE_LIMIT", "ANON_RATE_LIMIT", "CARRIER_REQUEST_RATE_LIMIT")} == {
        "100000/second"}
    assert len(env["SECRET_KEY"]) >= 50


def test_gunicorn_serves_the_asgi_app_on_loopback_only():
    command = gunicorn_command(Folders(Path("/p")), 25_900)
    assert command[command.index("-b") + 1] == "127.0.0.1:25900"
    assert "karrio.server.workers.UvicornWorker" in command
