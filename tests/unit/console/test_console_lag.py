from datetime import UTC, datetime, timedelta

from services.console.domain.lag import PartitionOffsets, group_lag, lag_seconds, partition_lag, rate, time_to_drain
from services.console.handlers.groups import shown_lag

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def test_lag_is_end_minus_committed():
    lag = partition_lag(PartitionOffsets("orders.v1", 0, start=0, end=120, committed=100))
    assert (lag.lag, lag.display, lag.data_loss) == (20, "20", False)


def test_a_partition_without_a_commit_shows_na_not_zero():
    lag = partition_lag(PartitionOffsets("orders.v1", 1, start=0, end=50, committed=None))
    assert lag.lag is None
    assert lag.display == "n/a"


def test_lag_is_clamped_at_zero_when_the_end_was_read_before_the_commit():
    assert partition_lag(PartitionOffsets("orders.v1", 0, start=0, end=90, committed=100)).lag == 0


def test_committed_below_log_start_is_data_loss_not_lag():
    lag = partition_lag(PartitionOffsets("orders.v1", 0, start=500, end=600, committed=200))
    assert lag.data_loss
    assert lag.lost == 300
    assert lag.lag == 100  # only what can still be read counts as lag


def test_group_total_sums_only_partitions_with_a_commit():
    group = group_lag("orders", {("t", 0): 5, ("t", 1): None}, {("t", 0): 0, ("t", 1): 0},
                      {("t", 0): 15, ("t", 1): 40}, topics={"t"})
    assert group.total == 10
    assert [p.display for p in group.partitions] == ["10", "n/a"]
    assert group.by_topic() == {"t": 10}


def test_group_with_no_commit_at_all_has_no_total():
    group = group_lag("g", {}, {("t", 0): 0}, {("t", 0): 3}, topics={"t"})
    assert group.total is None
    assert group.by_topic() == {"t": None}


def test_group_lag_covers_only_the_topics_it_committed_on_by_default():
    group = group_lag("g", {("a", 0): 1}, {}, {("a", 0): 2, ("b", 0): 9})
    assert group.topics == ["a"]


def test_lag_in_seconds_is_the_age_of_the_record_at_the_committed_offset():
    assert lag_seconds(NOW, NOW - timedelta(seconds=90), lag=4) == 90
    assert lag_seconds(NOW, None, lag=0) == 0
    assert lag_seconds(NOW, None, lag=None) is None
    assert lag_seconds(NOW, None, lag=3) is None


def test_time_to_drain_needs_consumption_faster_than_production():
    assert time_to_drain(100, consume_rate=15, produce_rate=5) == 10
    assert time_to_drain(100, consume_rate=5, produce_rate=5) is None
    assert time_to_drain(0, consume_rate=0, produce_rate=3) == 0
    assert time_to_drain(None, 1, 0) is None


def test_rate_is_records_per_second_between_samples():
    assert rate((0.0, 100), (10.0, 150)) == 5
    assert rate((10.0, 100), (10.0, 150)) is None


def test_a_group_with_no_member_never_shows_a_lag_of_zero():
    assert (shown_lag(0, members=0), shown_lag(None, members=0)) == (None, None)
    assert (shown_lag(3, members=0), shown_lag(0, members=2)) == (3, 0)
