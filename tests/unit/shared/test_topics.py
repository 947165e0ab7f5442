from shared.events.catalog import EVENT_TYPES
from shared.kafka.admin import topic_specs
from shared.kafka.topics import TOPICS, all_topic_names, topic_for


def test_every_event_type_has_exactly_one_topic():
    carried = [event_type for topic in TOPICS for event_type in topic.event_types]
    assert sorted(carried) == sorted(EVENT_TYPES)
    assert topic_for("scan.recorded").name == "carrier-scans.v1"


def test_every_topic_has_a_dead_letter_topic():
    names = all_topic_names()
    for topic in TOPICS:
        assert topic.name + ".dlq" in names


def test_topic_specs_carry_partitions_and_retention():
    specs = topic_specs(TOPICS)
    assert specs["orders.v1"]["num_partitions"] == 3
    assert specs["orders.v1.dlq"]["num_partitions"] == 1
    assert "retention.ms" in specs["tracking.v1"]["configs"]
