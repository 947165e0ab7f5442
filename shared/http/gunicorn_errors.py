"""gunicorn's own error answers (bad request line, header limits) as problem+json instead of its HTML page.

gunicorn writes these before any application code runs and has no setting for their format, so the worker
class swaps its one writer of error pages, `gunicorn.util.write_error`, once per worker process.
"""

from __future__ import annotations

import json
import socket

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from shared.http.problems import PROBLEM_TYPE


def problem_bytes(status: int, reason: str, detail: str) -> bytes:
    """A whole HTTP/1.1 response carrying an RFC 9457 problem; the connection is closed after it."""
    problem = {"type": "about:blank", "title": reason, "status": status}
    if detail:
        problem["detail"] = detail
    body = json.dumps(problem).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: {PROBLEM_TYPE}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


def write_problem(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for `gunicorn.util.write_error` (same signature)."""
    util.write_nonblock(sock, problem_bytes(status_int, reason, mesg))


class ProblemThreadWorker(ThreadWorker):
    """gunicorn's gthread worker whose pre-application errors are problem+json."""

    def init_process(self) -> None:
        util.write_error = write_problem
        super().init_process()
