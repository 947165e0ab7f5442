"""The supervisor process of one stack: `python -m ops.supervision.supervisor FOLDER`.

It owns the stack's service processes as its children: starts what the plan in FOLDER lists (again on SIGHUP),
restarts a child that exits unexpectedly after a doubling delay, gives a child up after too many quick failures,
keeps FOLDER/state.json current for `services status`, and on SIGTERM or SIGINT stops every child (SIGTERM by
tier, then SIGKILL after the grace) before it exits itself.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path

from ops.supervision import plan, policy, state
from ops.supervision.child import Child
from shared.logs import configure_logging

log = logging.getLogger("parcelbridge.supervisor")
TICK_S = 0.2
TIER_PAUSE_S = 0.5


class Supervisor:
    def __init__(self, folder: Path, rules: policy.RestartPolicy):
        self.folder = folder
        self.rules = rules
        self.children: dict[str, Child] = {}
        self.stopping = False
        self.reload = True

    def run(self) -> None:
        while not self.stopping:
            try:
                self.step()
            except Exception:
                # The children run on without us if we die; one bad step (a full disk, an unreadable plan) is
                # logged and tried again instead.
                log.exception("supervisor step failed; trying again")
            time.sleep(TICK_S)
        self.stop_all()

    def step(self) -> None:
        if self.reload:
            self.reload = False
            self.adopt(plan.read(self.folder / "plan.json"))
        changed = [self.reap(child) for child in self.children.values()]
        changed += [self.start_due(child) for child in self.children.values()]
        if any(changed):
            self.write_state()

    def adopt(self, specs: list[plan.ProcessSpec]) -> None:
        """Start every planned process not yet known; a known one keeps running as it is."""
        for spec in specs:
            if spec.name not in self.children:
                child = Child(spec, state.ChildState(spec.name))
                self.children[spec.name] = child
                self.launch(child, restart=False)
        self.write_state()

    def launch(self, child: Child, restart: bool) -> None:
        child.due = None
        try:
            pid = child.start()
        except OSError as exc:
            # A command that cannot even be executed counts as one more failure, handled like an exit.
            log.error("process could not be started", extra={"child": child.spec.name, "error": str(exc)})
            self.failed(child, f"not started: {exc}")
            return
        child.state = child.state.started(pid, time.time(), restart)
        if restart:
            log.warning("process restarted", extra={"child": child.spec.name, "pid": pid,
                                                    "restarts": child.state.restarts})

    def reap(self, child: Child) -> bool:
        code = child.returncode()
        if code is None:
            return False
        child.forget()
        self.failed(child, state.exit_text(code))
        return True

    def failed(self, child: Child, how: str) -> None:
        now = time.monotonic()
        child.exits.append(now)
        details = {"child": child.spec.name, "exit": how, "restarts": child.state.restarts,
                   "failures_in_window": len(policy.recent(self.rules, child.exits, now)),
                   "window_s": self.rules.window_s, "log_file": child.spec.log_file}
        if policy.gives_up(self.rules, child.exits, now):
            child.state = child.state.exited(how, state.GAVE_UP)
            log.error("process given up: it keeps failing; fix the cause (see its log), then `parcelbridge "
                      "services down` and `services up`", extra=details)
            return
        wait = policy.delay(self.rules, child.exits, now)
        child.due = now + wait
        child.state = child.state.exited(how, state.BACKOFF)
        log.warning("process exited unexpectedly; restarting after a delay", extra={**details, "delay_s": wait})

    def start_due(self, child: Child) -> bool:
        if child.due is None or child.due > time.monotonic() or self.stopping:
            return False
        self.launch(child, restart=True)
        return True

    def stop_all(self) -> None:
        """SIGTERM tier by tier (web apps first), each tier at most TIER_PAUSE_S after the one before, all within
        one grace; then SIGKILL whatever is left. A web app draining a slow request must not use up the
        consumers' time to commit."""
        deadline = time.monotonic() + self.rules.stop_grace_s
        signalled: list[Child] = []
        for tier in sorted({child.spec.tier for child in self.children.values()}):
            members = [child for child in self.children.values() if child.spec.tier == tier and child.alive()]
            for child in members:
                child.signal_group(signal.SIGTERM)
            signalled += members
            _wait_for_exit(members, min(deadline, time.monotonic() + TIER_PAUSE_S))
        _wait_for_exit(signalled, deadline)
        for child in self.children.values():
            forced = child.alive()
            child.forget()
            if forced:
                log.warning("process killed: still running after the stop grace",
                            extra={"child": child.spec.name, "grace_s": self.rules.stop_grace_s})
            child.due = None
            child.state = child.state.exited(child.state.last_exit, state.STOPPED)
        self.write_state()
        log.info("supervisor stopped", extra={"processes": len(self.children)})

    def write_state(self) -> None:
        path = self.folder / "state.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_text(state.dumps({n: c.state for n, c in self.children.items()}, os.getpid(), time.time()))
        os.replace(temporary, path)


def _wait_for_exit(children: list[Child], until: float) -> None:
    while time.monotonic() < until and any(child.alive() for child in children):
        time.sleep(0.05)


def main(folder: Path) -> None:
    configure_logging("supervisor", os.environ.get("LOG_LEVEL", "INFO").upper())
    supervisor = Supervisor(folder, policy.load_policy(os.environ))

    def stop(*_: object) -> None:
        supervisor.stopping = True

    def reload(*_: object) -> None:
        supervisor.reload = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, reload)
    log.info("supervisor started", extra={"folder": str(folder), "policy": asdict(supervisor.rules)})
    supervisor.run()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
