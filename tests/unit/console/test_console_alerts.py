from datetime import UTC, datetime, timedelta

import pytest

from services.console.domain.alerts import (
    DEFAULT_RULES,
    InvalidRule,
    Metrics,
    Rule,
    evaluate,
    parse_rules,
    slack_message,
    transition,
)

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
RULES = {r.id: r for r in DEFAULT_RULES}


def fired(metrics: Metrics, rules=DEFAULT_RULES) -> set[str]:
    return {c.key for c in evaluate(rules, metrics)}


def test_lag_over_threshold_fires_for_service_groups_only():
    metrics = Metrics(groups={"orders": {"lag": 5000}, "test-123": {"lag": 5000}, "shipping": {"lag": 3}})
    assert fired(metrics) == {"group-lag|orders"}


def test_a_group_without_commits_never_fires_a_lag_threshold():
    assert fired(Metrics(groups={"orders": {"lag": None, "lag_seconds": None}})) == set()


def test_lag_in_seconds_and_trend_rules():
    metrics = Metrics(groups={"tracking": {"lag": 10, "lag_seconds": 900.0, "status": "STALL"}})
    assert fired(metrics) == {"group-lag-seconds|tracking", "group-lag-not-falling|tracking"}


def test_a_service_group_with_no_member_is_critical_at_the_first_sample_and_alone():
    metrics = Metrics(groups={"shipping": {"members": 0, "lag": None, "status": "STOP", "topics": ["orders.v1"]},
                              "tracking": {"members": 1, "lag": 0, "status": "OK"},
                              "test-123": {"members": 0, "lag": None, "status": "STOP"}})

    conditions = evaluate(DEFAULT_RULES, metrics)
    _, notes = transition({}, conditions, RULES, NOW, timedelta(hours=1))

    assert {c.key for c in conditions} == {"group-no-members|shipping"}
    assert [n.kind for n in notes] == ["firing"]
    assert notes[0].state.message.startswith("CRITICAL: group shipping has no member")


def test_dlq_size_and_age():
    metrics = Metrics(dlq={"orders.v1.dlq": {"open": 2, "oldest_age_s": 7200}, "shipments.v1.dlq": {"open": 0}})
    assert fired(metrics) == {"dlq-size|orders.v1.dlq", "dlq-age|orders.v1.dlq"}


def test_stuck_parcels():
    assert fired(Metrics(stuck=3)) == {"stuck-parcels|pipeline"}
    assert fired(Metrics(stuck=0)) == set()


def test_freshness_fires_only_while_parcels_are_on_the_carriers_legs():
    metrics = Metrics(freshness={"sf_express": {"age_s": 7200, "active_parcels": 4},
                                 "ups": {"age_s": 7200, "active_parcels": 0}})
    assert fired(metrics) == {"no-sf-scan|sf_express"}
    never = Metrics(freshness={"ups": {"age_s": None, "active_parcels": 1}})
    assert fired(never) == {"no-ups-scan|ups"}


def test_a_new_condition_fires_once_then_is_throttled_then_reminds():
    rule = Rule("r", "stuck", 0, ("pipeline",))
    conditions = evaluate([rule], Metrics(stuck=1))
    states, notes = transition({}, conditions, {"r": rule}, NOW, timedelta(hours=1))
    assert [n.kind for n in notes] == ["firing"]
    previous = {s.key: s for s in states}
    states, notes = transition(previous, conditions, {"r": rule}, NOW + timedelta(minutes=10), timedelta(hours=1))
    assert notes == []
    previous = {s.key: s for s in states}
    _, notes = transition(previous, conditions, {"r": rule}, NOW + timedelta(minutes=61), timedelta(hours=1))
    assert [n.kind for n in notes] == ["reminder"]


def test_a_cleared_condition_sends_resolved_once():
    rule = Rule("r", "stuck", 0, ("pipeline",))
    states, _ = transition({}, evaluate([rule], Metrics(stuck=1)), {"r": rule}, NOW, timedelta(hours=1))
    states, notes = transition({s.key: s for s in states}, [], {"r": rule}, NOW + timedelta(minutes=1),
                               timedelta(hours=1))
    assert [n.kind for n in notes] == ["resolved"]
    assert states[0].state == "resolved"
    _, notes = transition({s.key: s for s in states}, [], {"r": rule}, NOW + timedelta(minutes=2), timedelta(hours=1))
    assert notes == []


def test_a_rule_with_a_hold_time_stays_pending_until_it_has_held():
    rule = Rule("r", "stuck", 0, ("pipeline",), for_seconds=60)
    conditions = evaluate([rule], Metrics(stuck=1))
    states, notes = transition({}, conditions, {"r": rule}, NOW, timedelta(hours=1))
    assert (states[0].state, notes) == ("pending", [])
    states, notes = transition({s.key: s for s in states}, conditions, {"r": rule}, NOW + timedelta(seconds=61),
                               timedelta(hours=1))
    assert [n.kind for n in notes] == ["firing"]


def test_a_pending_alert_that_clears_sends_nothing():
    rule = Rule("r", "stuck", 0, ("pipeline",), for_seconds=60)
    states, _ = transition({}, evaluate([rule], Metrics(stuck=1)), {"r": rule}, NOW, timedelta(hours=1))
    _, notes = transition({s.key: s for s in states}, [], {"r": rule}, NOW + timedelta(seconds=5), timedelta(hours=1))
    assert notes == []


def test_slack_message_has_text_and_an_attachment():
    rule = Rule("r", "stuck", 0, ("pipeline",))
    _, notes = transition({}, evaluate([rule], Metrics(stuck=2)), {"r": rule}, NOW, timedelta(hours=1))
    payload = slack_message(notes[0], "http://console")
    assert payload["text"].startswith(":red_circle: [FIRING] r")
    assert payload["attachments"][0]["title_link"] == "http://console/alerts"


def test_rules_parse_from_json_and_bad_rules_are_refused():
    rules = parse_rules('[{"id": "x", "kind": "lag", "threshold": 5, "subjects": ["orders"]}]')
    assert rules == (Rule("x", "lag", 5.0, ("orders",)),)
    with pytest.raises(InvalidRule):
        parse_rules('[{"id": "x", "kind": "nonsense"}]')
    with pytest.raises(InvalidRule):
        parse_rules("{")
