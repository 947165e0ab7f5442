from dataclasses import dataclass

from shared.kafka.batching import same_key_groups, short_type_of


@dataclass
class Record:
    key: bytes
    kind: str | None  # None: not batchable


def _key_of(record: Record):
    return None if record.kind is None else (record.kind, record.key)


def test_records_of_one_key_are_grouped_in_order_across_other_keys():
    records = [Record(b"a", "scan"), Record(b"b", "scan"), Record(b"a", "scan"), Record(b"a", "scan")]
    assert same_key_groups(records, _key_of) == {0: [0, 2, 3]}


def test_a_group_never_jumps_over_a_lone_record_of_its_key():
    records = [Record(b"a", "scan"), Record(b"a", None), Record(b"a", "scan"), Record(b"a", "scan")]
    assert same_key_groups(records, _key_of) == {2: [2, 3]}


def test_a_lone_record_of_another_key_does_not_split_a_group():
    records = [Record(b"a", "scan"), Record(b"b", None), Record(b"a", "scan")]
    assert same_key_groups(records, _key_of) == {0: [0, 2]}


def test_the_short_type_is_read_from_the_value():
    assert short_type_of(b'{"type": "com.parcelbridge.scan.recorded.v1"}') == "scan.recorded"
    assert short_type_of(b"not json") is None
    assert short_type_of(b'{"type": "org.other.thing.v1"}') is None
    assert short_type_of(None) is None
