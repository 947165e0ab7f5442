"""Alert rules (threshold, trend, freshness), their evaluation, and when to notify: firing, reminders, resolved.

Evaluation is pure: metrics in, firing conditions out. `transition` compares them with the stored states and
decides which Slack-shaped messages go out, at most one per alert per `repeat` interval, plus one "resolved".
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

Kind = Literal["lag", "lag_seconds", "lag_trend", "members", "dlq_size", "dlq_age", "stuck", "freshness"]
KINDS: tuple[str, ...] = ("lag", "lag_seconds", "lag_trend", "members", "dlq_size", "dlq_age", "stuck",
                          "freshness")
SERVICE_GROUPS = ("orders", "shipping", "tracking", "console")


class InvalidRule(ValueError):
    """An alert rule that cannot be evaluated."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: Kind
    threshold: float = 0
    subjects: tuple[str, ...] = ("*",)  # group names, DLQ topics or carriers (glob patterns)
    for_seconds: float = 0  # the condition must hold this long before the alert fires
    description: str = ""

    def applies_to(self, subject: str) -> bool:
        return any(fnmatch.fnmatchcase(subject, pattern) for pattern in self.subjects)


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("group-lag", "lag", 1000, SERVICE_GROUPS, 60, "a service's consumer group is over 1000 records behind"),
    Rule("group-lag-seconds", "lag_seconds", 300, SERVICE_GROUPS, 0, "a service's consumer group is 5 min behind"),
    Rule("group-lag-not-falling", "lag_trend", 0, SERVICE_GROUPS, 0,
         "a group's lag does not fall (Burrow WARN, STALL or STOP)"),
    # Critical, and at once: a group with no member consumes nothing, whatever its lag says (the broker notices
    # a killed member within its 10 s session timeout, the sampler within its interval: well inside 30 s).
    Rule("group-no-members", "members", 0, SERVICE_GROUPS, 0,
         "critical: a service's consumer group has no member, so nothing consumes its topics"),
    Rule("dlq-size", "dlq_size", 0, ("*.dlq",), 0, "a dead-letter topic holds open records"),
    Rule("dlq-age", "dlq_age", 3600, ("*.dlq",), 0, "a dead letter waits for more than an hour"),
    Rule("stuck-parcels", "stuck", 0, ("pipeline",), 0, "parcels are stuck past their stage's limit"),
    Rule("no-sf-scan", "freshness", 3600, ("sf_express",), 0, "no SF scan for an hour while parcels are with SF"),
    Rule("no-ups-scan", "freshness", 3600, ("ups",), 0, "no UPS scan for an hour while parcels are with UPS"),
)


def parse_rules(text: str) -> tuple[Rule, ...]:
    """Rules from JSON (a list of objects with the Rule fields); raises InvalidRule."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise InvalidRule(f"alert rules are not JSON: {exc}") from exc
    if not isinstance(raw, list):
        raise InvalidRule("alert rules must be a JSON list")
    rules = []
    for item in raw:
        if not isinstance(item, dict) or item.get("kind") not in KINDS or not item.get("id"):
            raise InvalidRule(f"rule {item!r} needs an id and a kind out of {', '.join(KINDS)}")
        try:
            rules.append(Rule(str(item["id"]), item["kind"], float(item.get("threshold", 0)),
                              tuple(item.get("subjects", ["*"])), float(item.get("for_seconds", 0)),
                              str(item.get("description", ""))))
        except (TypeError, ValueError) as exc:
            raise InvalidRule(f"rule {item.get('id')!r}: {exc}") from exc
    return tuple(rules)


@dataclass(frozen=True)
class Metrics:
    """What the rules look at: per group, per DLQ topic, the pipeline and the carriers' freshness."""

    groups: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # lag, lag_seconds, status
    dlq: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # open, oldest_age_s
    stuck: int = 0
    freshness: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # age_s, active_parcels


@dataclass(frozen=True)
class Condition:
    rule_id: str
    subject: str
    value: float | str
    message: str

    @property
    def key(self) -> str:
        return f"{self.rule_id}|{self.subject}"


def evaluate(rules: Iterable[Rule], metrics: Metrics) -> list[Condition]:
    """Every (rule, subject) whose condition holds now."""
    found: list[Condition] = []
    for rule in rules:
        found.extend(_EVALUATORS[rule.kind](rule, metrics))
    return found


def _over(value: float | None, threshold: float) -> bool:
    return value is not None and value > threshold


def _lag(rule: Rule, m: Metrics) -> Iterable[Condition]:
    for group, g in m.groups.items():
        if rule.applies_to(group) and _over(g.get("lag"), rule.threshold):
            yield Condition(rule.id, group, g["lag"], f"group {group} lag {g['lag']} records > {rule.threshold:g}")


def _lag_seconds(rule: Rule, m: Metrics) -> Iterable[Condition]:
    for group, g in m.groups.items():
        if rule.applies_to(group) and _over(g.get("lag_seconds"), rule.threshold):
            yield Condition(rule.id, group, round(g["lag_seconds"], 1),
                            f"group {group} is {g['lag_seconds']:.0f}s behind (> {rule.threshold:g}s)")


def _lag_trend(rule: Rule, m: Metrics) -> Iterable[Condition]:
    for group, g in m.groups.items():
        if not g.get("members", 1):  # the members rule speaks for a group with no member: one alert, not two
            continue
        if rule.applies_to(group) and g.get("status") in ("WARN", "STALL", "STOP", "ERR"):
            yield Condition(rule.id, group, g["status"],
                            f"group {group} is {g['status']}: {g.get('status_reason', 'lag is not falling')}")


def _members(rule: Rule, m: Metrics) -> Iterable[Condition]:
    for group, g in m.groups.items():
        if rule.applies_to(group) and g.get("members", 1) == 0:
            yield Condition(rule.id, group, 0, f"CRITICAL: group {group} has no member: nothing consumes "
                                               f"{', '.join(g.get('topics') or []) or 'its topics'}")


def _dlq_size(rule: Rule, m: Metrics) -> Iterable[Condition]:
    for topic, d in m.dlq.items():
        if rule.applies_to(topic) and _over(d.get("open"), rule.threshold):
            yield Condition(rule.id, topic, d["open"], f"{topic} holds {d['open']} open dead letters")


def _dlq_age(rule: Rule, m: Metrics) -> Iterable[Condition]:
    for topic, d in m.dlq.items():
        if rule.applies_to(topic) and _over(d.get("oldest_age_s"), rule.threshold):
            yield Condition(rule.id, topic, round(d["oldest_age_s"]),
                            f"the oldest dead letter in {topic} is {d['oldest_age_s'] / 60:.0f} min old")


def _stuck(rule: Rule, m: Metrics) -> Iterable[Condition]:
    if rule.applies_to("pipeline") and m.stuck > rule.threshold:
        yield Condition(rule.id, "pipeline", m.stuck, f"{m.stuck} parcels are stuck past their stage's limit")


def _freshness(rule: Rule, m: Metrics) -> Iterable[Condition]:
    for carrier, f in m.freshness.items():
        if not rule.applies_to(carrier) or not f.get("active_parcels"):
            continue
        age = f.get("age_s")
        if age is None or age > rule.threshold:
            name = {"sf_express": "SF", "ups": "UPS"}.get(carrier, carrier)
            seen = f"no {name} scan seen yet" if age is None else f"last {name} scan {age / 60:.0f} min ago"
            yield Condition(rule.id, carrier, round(age) if age is not None else "never",
                            f"{seen} while {f['active_parcels']} parcels are on its legs")


_EVALUATORS = {"lag": _lag, "lag_seconds": _lag_seconds, "lag_trend": _lag_trend, "members": _members,
               "dlq_size": _dlq_size,
               "dlq_age": _dlq_age, "stuck": _stuck, "freshness": _freshness}


@dataclass(frozen=True)
class AlertState:
    key: str
    rule_id: str
    subject: str
    state: Literal["pending", "firing", "resolved"]
    since: datetime
    value: float | str
    message: str
    last_sent_at: datetime | None = None
    resolved_at: datetime | None = None

    def to_document(self) -> dict[str, Any]:
        return {"_id": self.key, **{k: v for k, v in asdict(self).items() if k != "key"}}

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> AlertState:
        return cls(key=doc["_id"], **{k: doc.get(k) for k in (
            "rule_id", "subject", "state", "since", "value", "message", "last_sent_at", "resolved_at")})


@dataclass(frozen=True)
class Notification:
    kind: Literal["firing", "reminder", "resolved"]
    state: AlertState


def transition(previous: Mapping[str, AlertState], conditions: Iterable[Condition], rules: Mapping[str, Rule],
               now: datetime, repeat: timedelta) -> tuple[list[AlertState], list[Notification]]:
    """The new state of every alert seen now or before, and the messages to send (throttled by `repeat`)."""
    states: list[AlertState] = []
    notes: list[Notification] = []
    current = {c.key: c for c in conditions}
    for key, condition in current.items():
        before = previous.get(key)
        rule = rules.get(condition.rule_id)
        hold = timedelta(seconds=rule.for_seconds if rule else 0)
        if before is None or before.state == "resolved":
            before = AlertState(key, condition.rule_id, condition.subject, "pending", now, condition.value,
                                condition.message)
        state = replace(before, value=condition.value, message=condition.message)
        if state.state == "pending" and now - state.since >= hold:
            state = replace(state, state="firing", last_sent_at=now)
            notes.append(Notification("firing", state))
        elif state.state == "firing" and (state.last_sent_at is None or now - state.last_sent_at >= repeat):
            state = replace(state, last_sent_at=now)
            notes.append(Notification("reminder", state))
        states.append(state)
    for key, before in previous.items():
        if key in current or before.state == "resolved":
            continue
        done = replace(before, state="resolved", resolved_at=now)
        states.append(done)
        if before.state == "firing":
            notes.append(Notification("resolved", done))
    return states, notes


_ICON = {"firing": ":red_circle:", "reminder": ":large_orange_circle:", "resolved": ":large_green_circle:"}
_COLOR = {"firing": "#d1242f", "reminder": "#bf8700", "resolved": "#1a7f37"}


def slack_message(note: Notification, console_url: str) -> dict[str, Any]:
    """A Slack incoming-webhook payload (text fallback plus one attachment)."""
    s = note.state
    word = {"firing": "FIRING", "reminder": "STILL FIRING", "resolved": "RESOLVED"}[note.kind]
    text = f"{_ICON[note.kind]} [{word}] {s.rule_id} — {s.message}"
    return {
        "text": text,
        "attachments": [{
            "color": _COLOR[note.kind],
            "title": f"{s.rule_id}: {s.subject}",
            "title_link": f"{console_url.rstrip('/')}/alerts",
            "text": s.message,
            "fields": [{"title": "since", "value": s.since.isoformat(), "short": True},
                       {"title": "value", "value": str(s.value), "short": True}],
            "footer": "parcelbridge console",
        }],
    }
