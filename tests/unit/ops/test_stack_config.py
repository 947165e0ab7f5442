"""One configuration per stack: what its first start records, and what every later start runs with."""

from __future__ import annotations

import io

from dotenv import dotenv_values

from ops.infra.stack_config import effective, first_start, ignored, is_stack_variable, render


def _token() -> str:
    return "generated"


def test_the_first_start_records_the_stack_variables_and_nothing_else():
    recorded = first_start({"ORDERS_PORT": "13001", "LOG_LEVEL": "DEBUG", "PATH": "/bin", "HOME": "/root",
                            "SF_CHECK_WORD": "given", "UPS_TRACK_ALERT_CREDENTIAL": "also given"}, _token)

    assert recorded == {"LOG_LEVEL": "DEBUG", "ORDERS_PORT": "13001", "SF_CHECK_WORD": "given",
                        "UPS_TRACK_ALERT_CREDENTIAL": "also given"}


def test_missing_or_empty_carrier_credentials_are_generated():
    recorded = first_start({"SF_CHECK_WORD": " "}, _token)

    assert recorded == {"SF_CHECK_WORD": "generated", "UPS_TRACK_ALERT_CREDENTIAL": "generated"}


def test_generated_credentials_are_secrets_not_constants():
    assert first_start({})["SF_CHECK_WORD"] != first_start({})["SF_CHECK_WORD"]


def test_where_the_file_lives_and_what_each_process_gets_of_its_own_are_not_recorded():
    assert not any(is_stack_variable(name) for name in
                   ("PARCELBRIDGE_DATA_DIR", "WORKER_HEALTH_PORT", "PROMETHEUS_MULTIPROC_DIR", "PYTHONPATH"))


def test_a_later_start_takes_the_stack_variables_from_the_record_alone():
    shell = {"PATH": "/bin", "ORDERS_PORT": "9999", "TRACKING_CONSUMERS": "3"}
    recorded = {"ORDERS_PORT": "13001", "SF_CHECK_WORD": "kept"}

    assert effective(shell, recorded) == {"PATH": "/bin", "ORDERS_PORT": "13001", "SF_CHECK_WORD": "kept"}
    assert ignored(shell, recorded) == ["ORDERS_PORT", "TRACKING_CONSUMERS"]


def test_a_shell_without_credentials_still_starts_with_the_recorded_ones():
    assert effective({"PATH": "/bin"}, {"SF_CHECK_WORD": "kept"})["SF_CHECK_WORD"] == "kept"


def test_the_file_reads_back_exactly_what_was_recorded_quotes_and_backslashes_included():
    recorded = {"CONSOLE_ALERT_RULES": "lag > 5 it's \\ odd", "SF_CHECK_WORD": "a=b#c", "LOG_LEVEL": ""}

    assert dict(dotenv_values(stream=io.StringIO(render(recorded)))) == recorded
