#!/usr/bin/env python3
"""Install the system tools `make install|run|test` need, only those missing (Debian's apt-get, sudo if not root).

Standard library only: it runs before the virtualenv exists, with the Python that will create it. When every
tool is present it runs no command at all (no `apt-get update`), so `make` can call it on every invocation.
`--dry-run` prints what it would run and changes nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Requirement:
    package: str  # the Debian package that provides it
    why: str
    commands: tuple[str, ...] = ()  # executables that must be on PATH
    modules: tuple[str, ...] = ()  # modules the running Python must be able to import


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("make", "runs the targets", commands=("make",)),
    Requirement("python3-venv", "creates .venv (Debian's Python ships venv and ensurepip apart)",
                modules=("venv", "ensurepip")),
    Requirement("openjdk-17-jre-headless", "runs the Kafka broker", commands=("java",)),
    Requirement("maven", "resolves Kafka's jars from Maven Central", commands=("mvn",)),
    Requirement("golang-go", "builds FerretDB (and the bench's vegeta) from module source", commands=("go",)),
    Requirement("git", "applies our patches to FerretDB's source", commands=("git",)),
    Requirement("npm", "installs the console's chart library (uPlot)", commands=("npm",)),
    Requirement("chromium", "runs the browser tests (Debian's build; a test tool's own download is unreachable)",
                commands=("chromium",)),
)


class CannotInstall(RuntimeError):
    """Something is missing and this user cannot install it (not root, no sudo)."""


def missing(requirements: Sequence[Requirement], has_command: Callable[[str], bool],
            has_module: Callable[[str], bool]) -> list[Requirement]:
    """The requirements with any command or module absent, in declaration order."""
    return [r for r in requirements
            if not all(map(has_command, r.commands)) or not all(map(has_module, r.modules))]


def install_plan(absent: Sequence[Requirement], is_root: bool, has_sudo: bool) -> list[list[str]]:
    """The commands that install `absent`: none when nothing is missing, else apt-get update then install."""
    packages = list(dict.fromkeys(r.package for r in absent))
    if not packages:
        return []
    if not is_root and not has_sudo:
        raise CannotInstall(f"missing {', '.join(packages)}: run as root or install sudo, "
                            f"or `apt-get install {' '.join(packages)}` yourself")
    prefix = [] if is_root else ["sudo"]
    # noninteractive: a package's configuration questions would otherwise wait forever with no terminal (CI).
    return [[*prefix, "apt-get", "update", "-q"],
            [*prefix, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", *packages]]


def _has_command(name: str) -> bool:
    return shutil.which(name) is not None


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def main(argv: Sequence[str], run: Callable[[list[str]], int] = subprocess.call,
         has_command: Callable[[str], bool] = _has_command, has_module: Callable[[str], bool] = _has_module,
         is_root: bool | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print what would be installed; change nothing")
    args = parser.parse_args(argv)
    absent = missing(REQUIREMENTS, has_command, has_module)
    if not absent:
        if args.dry_run:
            print("prerequisites: all present, nothing to install")
        return 0
    for requirement in absent:
        print(f"prerequisites: missing {requirement.package} — {requirement.why}")
    root = os.geteuid() == 0 if is_root is None else is_root
    try:
        plan = install_plan(absent, root, has_command("sudo"))
    except CannotInstall as exc:
        print(f"prerequisites: {exc}", file=sys.stderr)
        return 1
    for command in plan:
        print(("prerequisites: would run: " if args.dry_run else "prerequisites: running: ") + " ".join(command))
        if not args.dry_run and run(command) != 0:
            print(f"prerequisites: `{' '.join(command)}` failed", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
