from kafka.consumer.fetcher import ConsumerRecord

from shared.batch.position import UNKNOWN, RecordPosition, position_of, positioned
from shared.events.envelope import new_event


def _event():
    return new_event("order.cancelled", "ord_1", {"order_id": "ord_1", "shipper_id": "shp_1"}, source="/test")


def test_each_event_of_a_batch_knows_its_record_only_inside_the_block():
    first, second, stranger = _event(), _event(), _event()
    records = [ConsumerRecord("orders.v1", p, -1, o, 1_000 + o, 0, None, b"", [], None, 0, 0, 0)
               for p, o in ((0, 7), (1, 3))]
    with positioned(zip(records, (first, second), strict=True)):
        assert position_of(first) == RecordPosition("orders.v1", 0, 7, 1_007)
        assert position_of(second) == RecordPosition("orders.v1", 1, 3, 1_003)
        assert position_of(stranger) == UNKNOWN
    assert position_of(first) == UNKNOWN
