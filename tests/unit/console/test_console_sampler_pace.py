"""How often the sampler recomputes the pipeline snapshot: every 30 s, stretched when the snapshot is costly."""

from datetime import UTC, datetime, timedelta

from services.console.chores.sampler import PIPELINE_DUTY, absent_groups, pipeline_due

EVERY = timedelta(seconds=30)
T0 = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_the_first_snapshot_is_always_due():
    assert pipeline_due(None, T0, EVERY, last_cost_s=0.0)


def test_a_cheap_snapshot_is_recomputed_every_interval():
    assert not pipeline_due(T0, T0 + timedelta(seconds=29), EVERY, last_cost_s=0.2)
    assert pipeline_due(T0, T0 + EVERY, EVERY, last_cost_s=0.2)


def test_a_costly_snapshot_waits_until_its_cost_is_a_small_share_of_the_time():
    cost = 5.2  # seconds: the bench's idle read model
    stretched = timedelta(seconds=cost / PIPELINE_DUTY)
    assert stretched > EVERY
    assert not pipeline_due(T0, T0 + EVERY, EVERY, last_cost_s=cost)
    assert not pipeline_due(T0, T0 + stretched - timedelta(seconds=1), EVERY, last_cost_s=cost)
    assert pipeline_due(T0, T0 + stretched, EVERY, last_cost_s=cost)


def test_a_service_group_the_broker_does_not_list_is_shown_with_no_member_and_no_lag():
    rows = {row["group"]: row for row in absent_groups({"orders", "console", "test-1"})}

    assert set(rows) == {"shipping", "tracking"}
    assert rows["shipping"]["members"] == 0 and rows["shipping"]["lag"] is None
    assert rows["shipping"]["status"] == "STOP"
