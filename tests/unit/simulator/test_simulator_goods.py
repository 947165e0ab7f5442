import random

from services.orders.domain.placement import OrderRequest
from services.shipping.domain.planning import us_gateway
from services.shipping.domain.refusals import PROHIBITED_HS
from services.simulator.domain.goods import GOODS, RECIPIENT_CITIES, build_order, sender_city


def test_every_generated_order_passes_the_orders_api_validation():
    rng = random.Random(5)
    for n in range(200):
        OrderRequest.model_validate(build_order(rng, f"SIM-{n}", 0.5))


def test_the_dap_share_follows_its_probability():
    rng = random.Random(5)
    assert {build_order(rng, "r", 1)["customs"]["incoterm"] for _ in range(20)} == {"DAP"}
    assert {build_order(rng, "r", 0)["customs"]["incoterm"] for _ in range(20)} == {"DDP"}


def test_no_good_is_prohibited_and_every_recipient_state_has_a_gateway():
    assert not [g for g in GOODS for prefix in PROHIBITED_HS if g.hs_code.startswith(prefix)]
    assert all(us_gateway(city.state) for city in RECIPIENT_CITIES)


def test_sender_cities_are_found_by_their_english_name():
    assert sender_city(" shenzhen ").chinese == "深圳" and sender_city("Atlantis") is None
