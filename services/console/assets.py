"""`python -m services.console.assets`: install the chart library (uPlot) from npm into static/vendor/.

The folder is git-ignored and nothing is fetched at run time: the console serves these files itself.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = "uplot"
VERSION = "1.6.32"
FILES = {"dist/uPlot.iife.min.js": "uPlot.iife.min.js", "dist/uPlot.min.css": "uPlot.min.css"}
ROOT = Path(__file__).resolve().parents[2]
PREFIX = ROOT / ".local" / "npm"
VENDOR = Path(__file__).resolve().parent / "static" / "vendor"


def installed() -> bool:
    stamp = VENDOR / "VERSION"
    return stamp.exists() and stamp.read_text().strip() == f"{PACKAGE}@{VERSION}" and all(
        (VENDOR / name).exists() for name in FILES.values())


def install() -> None:
    """npm-install the pinned package into .local/npm and copy its dist files (idempotent)."""
    if installed():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to install the console's chart library (apt-get install npm)")
    PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "install", "--prefix", str(PREFIX), "--no-audit", "--no-fund", "--no-save",
                    f"{PACKAGE}@{VERSION}"], check=True)
    VENDOR.mkdir(parents=True, exist_ok=True)
    source = PREFIX / "node_modules" / PACKAGE
    for name, target in FILES.items():
        shutil.copyfile(source / name, VENDOR / target)
    (VENDOR / "VERSION").write_text(f"{PACKAGE}@{VERSION}\n")


def main() -> int:
    install()
    print(f"{PACKAGE}@{VERSION} installed in {VENDOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
