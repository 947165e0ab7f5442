import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared.http.hygiene import (
    MAX_NESTING,
    Unacceptable,
    checked_json_text,
    control_character_paths,
    has_control_character,
    nesting_depth,
    time_in_range,
    utf8_text,
)


def test_nesting_depth_counts_arrays_and_objects():
    assert nesting_depth(b'{"a": [1, {"b": []}]}') == 4
    assert nesting_depth(b"42") == 0


def test_brackets_inside_strings_do_not_nest():
    assert nesting_depth(json.dumps({"a": "[[[{{{", "b": 'x\\"[['}).encode()) == 1


def test_a_thousand_levels_are_counted_without_recursion():
    assert nesting_depth(b"[" * 100_000 + b"]" * 100_000) == 100_000


def test_a_body_deeper_than_the_limit_is_unacceptable():
    with pytest.raises(Unacceptable, match="deeper than"):
        checked_json_text(b"[" * (MAX_NESTING + 1) + b"]" * (MAX_NESTING + 1))
    assert checked_json_text(b"[" * MAX_NESTING + b"]" * MAX_NESTING).startswith("[")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-8-sig", "latin-1"])
def test_only_plain_utf8_is_text(encoding):
    with pytest.raises(Unacceptable):
        utf8_text(json.dumps({"name": "Zoë"}, ensure_ascii=False).encode(encoding))


def test_utf8_text_keeps_non_ascii():
    assert utf8_text("{\"name\": \"李雷\"}".encode()) == '{"name": "李雷"}'


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\n", "\t"])
def test_control_characters_are_found(char):
    assert has_control_character(f"Bob{char}by")


def test_printable_unicode_is_not_a_control_character():
    assert not has_control_character("李雷 Zoë 📦")


def test_control_character_paths_name_each_field():
    body = {"recipient": {"name": "Bob\x00"}, "lines": ["ok", "b\x01ad"], "ok": 1, "k\x00": "v"}
    assert control_character_paths(body) == ["recipient.name", "lines.1", "k\x00"]
    assert control_character_paths({"fine": ["a", {"b": "c"}]}) == []


@pytest.mark.parametrize("moment", [
    datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8))),
    datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(2100, 1, 1, tzinfo=UTC),
])
def test_times_outside_1970_to_2100_are_refused(moment):
    with pytest.raises(ValueError, match="1970-01-01"):
        time_in_range(moment)


def test_times_inside_the_range_are_kept():
    moment = datetime(2026, 6, 1, 8, tzinfo=timezone(timedelta(hours=8)))
    assert time_in_range(moment) is moment
    with pytest.raises(ValueError, match="time zone"):
        time_in_range(datetime(2026, 6, 1))
