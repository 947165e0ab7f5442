from bench.peers import karrio_seed
from bench.peers.karrio_requests import auth, connection_body, has_connection, order_body, tracker_targets
from bench.vegeta import targets_text


def test_every_order_gets_its_own_order_id_since_karrio_refuses_a_repeat():
    first, second = order_body(), order_body()
    assert first["order_id"] != second["order_id"]
    assert first["shipping_to"]["country_code"] == "CA"
    assert first["line_items"] and first["line_items"][0]["quantity"] == 1


def test_an_order_body_is_not_shared_between_requests():
    first = order_body("PB-1")
    first["shipping_to"]["city"] = "changed"
    assert order_body("PB-2")["shipping_to"]["city"] == "Vancouver"


def test_the_token_goes_in_karrios_token_header():
    assert auth("key_abc") == {"Authorization": "Token key_abc"}


def test_tracker_targets_are_vegeta_gets_by_tracking_number_with_the_token():
    text = targets_text(tracker_targets("http://127.0.0.1:25900", "key_abc", ["PB00000001", "PB00000002"]))
    assert text == ("GET http://127.0.0.1:25900/v1/trackers/PB00000001\nAuthorization: Token key_abc\n\n"
                    "GET http://127.0.0.1:25900/v1/trackers/PB00000002\nAuthorization: Token key_abc\n")


def test_the_generic_connection_is_found_by_its_carrier_id():
    body = connection_body()
    assert body["credentials"].keys() >= {"display_name", "custom_carrier_name"}
    assert has_connection({"results": [{"carrier_id": "other"}, {"carrier_id": body["carrier_id"]}]})
    assert not has_connection({"results": [{"carrier_id": "other"}]})
    assert not has_connection({})


def test_the_sample_is_drawn_from_every_stored_tracker_and_never_past_them():
    numbers = karrio_seed.sample_numbers(100_000, 5_000, seed=5)
    assert len(set(numbers)) == 5_000
    assert max(numbers) <= "PB00099999"
    assert numbers != sorted(numbers)
    assert sorted(karrio_seed.sample_numbers(3, 10, seed=5)) == ["PB00000000", "PB00000001", "PB00000002"]


def test_seeded_trackers_carry_17_to_26_events_newest_first_like_ours():
    shapes = karrio_seed.variants()
    lengths = [len(shape["events"]) for shape in shapes]
    assert min(lengths) >= 17 and max(lengths) <= 26
    delivered = [shape for shape in shapes if shape["delivered"]]
    assert len(delivered) == 6
    assert all(shape["events"][0]["code"] == "DL" and shape["status"] == "delivered" for shape in delivered)
    assert all(shape["events"][-1]["code"] == "PU" for shape in shapes)
    assert all(shape["events"][0]["code"] != "DL" for shape in shapes if not shape["delivered"])


def test_the_seed_script_is_valid_python_and_covers_exactly_the_missing_range():
    script = karrio_seed.seed_script(1_000, 5_000)
    compile(script, "seed", "exec")
    assert "range(1000, 5000, 2000)" in script
    assert "bulk_create" in script


def test_the_state_is_read_from_the_marker_lines_among_djangos_own_output():
    output = ("57 objects imported automatically\nINFO something\n"
              'PEER-STATE {"key": "key_0123", "trackers": 42}\n')
    assert karrio_seed.parse_states(output) == [{"key": "key_0123", "trackers": 42}]
    assert karrio_seed.parse_states("no marker here\n") == []
    compile(karrio_seed.state_script(), "state", "exec")
