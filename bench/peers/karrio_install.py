"""Karrio's own virtualenv under .local/peers/karrio/venv: Python 3.12 from pyenv, the pinned packages, once.

A stamp beside the venv holds a hash of the pins and the package list, so a second run installs nothing and a
changed pin reinstalls. pip's output goes to logs/install.log; each package pip collects advances the bar.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable

from bench.peers.karrio_plan import PYTHON_VERSION, Folders, install_stamp, pip_command
from bench.peers.karrio_process import PeerFailed, run_logged

STAMP = ".parcelbridge-installed"


def python312() -> list[str]:
    """The interpreter command (pyenv's shim needs PYENV_VERSION); PeerFailed with what to install if missing."""
    shim = shutil.which("python3.12")
    env = {**os.environ, "PYENV_VERSION": PYTHON_VERSION}
    if shim:
        done = subprocess.run([shim, "--version"], env=env, capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.startswith("Python 3.12"):
            return ["env", f"PYENV_VERSION={PYTHON_VERSION}", shim]
    raise PeerFailed("install", f"Karrio needs Python 3.12 (Django 6.0); `PYENV_VERSION={PYTHON_VERSION} "
                                f"python3.12` was not found — install it with `pyenv install {PYTHON_VERSION}`")


def installed(folders: Folders) -> bool:
    stamp = folders.venv / STAMP
    return stamp.exists() and stamp.read_text().strip() == install_stamp()


def ensure(folders: Folders, tick: Callable[[int], None]) -> dict[str, float | bool]:
    """Create and fill the venv unless the stamp says it is current; {"cold": installed now, "seconds"}."""
    began = time.perf_counter()
    if installed(folders):
        return {"cold": False, "seconds": round(time.perf_counter() - began, 1)}
    log = folders.logs / "install.log"
    if not (folders.venv / "bin" / "python").exists():
        run_logged("install", [*python312(), "-m", "venv", str(folders.venv)], log)
    run_logged("install", pip_command(folders.venv), log,
               on_line=lambda line: tick(1) if line.startswith("Collecting") else None)
    (folders.venv / STAMP).write_text(install_stamp() + "\n")
    return {"cold": True, "seconds": round(time.perf_counter() - began, 1)}
