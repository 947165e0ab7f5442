"""The ground-truth file: one JSON object per line, flushed as written so a crash loses nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any


class TruthFile:
    def __init__(self, path: Path | None):
        self._file: IO[str] | None = path.open("w", encoding="utf-8") if path else None

    def write(self, record: dict[str, Any]) -> None:
        if self._file is not None:
            self._file.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
