from services.console.domain.burrow import Sample, Status, Verdict, evaluate_partition, group_verdict, worst


def samples(*pairs, start=0):
    """(committed, end) per sample, ten seconds apart."""
    return [Sample(at=i * 10.0, committed=c, end=e, start=start) for i, (c, e) in enumerate(pairs)]


def test_lag_reaching_zero_in_the_window_is_ok():
    verdict = evaluate_partition(samples((10, 20), (20, 20), (25, 30)), has_members=True)
    assert verdict.status is Status.OK


def test_no_member_and_no_commit_across_the_window_with_lag_is_stop():
    verdict = evaluate_partition(samples((10, 20), (10, 25), (10, 30)), has_members=False)
    assert verdict.status is Status.STOP


def test_a_present_consumer_whose_offset_never_moves_is_stall():
    verdict = evaluate_partition(samples((10, 20), (10, 20), (10, 20)), has_members=True)
    assert verdict.status is Status.STALL


def test_progress_while_lag_never_decreases_is_warn():
    verdict = evaluate_partition(samples((10, 20), (12, 25), (15, 40)), has_members=True)
    assert verdict.status is Status.WARN


def test_progress_with_falling_lag_is_ok():
    verdict = evaluate_partition(samples((10, 40), (30, 45), (45, 50)), has_members=True)
    assert verdict.status is Status.OK


def test_committed_below_log_start_is_err():
    verdict = evaluate_partition(samples((10, 200), (10, 200), (10, 200), start=100), has_members=True)
    assert verdict.status is Status.ERR


def test_an_offset_going_backwards_is_err():
    verdict = evaluate_partition(samples((50, 60), (20, 60), (25, 60)), has_members=True)
    assert verdict.status is Status.ERR


def test_an_incomplete_window_is_not_judged_harshly():
    verdict = evaluate_partition(samples((10, 20), (10, 20)), has_members=False)
    assert verdict.status is Status.OK
    assert "incomplete" in verdict.reason


def test_a_partition_without_commits_is_not_judged():
    assert evaluate_partition(samples((None, 5), (None, 9)), has_members=True) is None


def test_group_status_is_the_worst_partition():
    verdicts = [Verdict(Status.OK, ""), Verdict(Status.STALL, "x"), None, Verdict(Status.WARN, "")]
    assert worst(verdicts).status is Status.STALL
    assert worst([None]).status is Status.OK


def test_a_group_with_no_member_is_stopped_even_when_its_lag_is_zero():
    caught_up = evaluate_partition(samples((20, 20), (20, 20), (20, 20)), has_members=False)

    assert caught_up is not None and caught_up.status == Status.OK
    assert group_verdict([caught_up], has_members=False).status == Status.STOP
    assert group_verdict([caught_up], has_members=True).status == Status.OK
