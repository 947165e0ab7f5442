import pytest

from ops.registry import settings_of
from shared.config import load_infra_settings
from shared.errors import ConfigError


def test_defaults_point_at_the_local_infrastructure():
    settings = settings_of("orders", environ={})
    assert settings.kafka.bootstrap_servers == ("127.0.0.1:19092",)
    assert settings.mongo.uri == "mongodb://127.0.0.1:27018/parcelbridge_orders"
    assert settings.mongo.database == "parcelbridge_orders"
    assert settings.http_port == 8001


def test_each_service_reads_its_own_mongodb_uri():
    env = {"SHIPPING_MONGODB_URI": "mongodb://db.example:27017/ship", "KAFKA_BOOTSTRAP_SERVERS": "a:1,b:2"}
    settings = settings_of("shipping", environ=env)
    assert settings.mongo.database == "ship"
    assert settings.kafka.bootstrap_servers == ("a:1", "b:2")


def test_every_bad_variable_is_named_in_one_error():
    env = {"KAFKA_BOOTSTRAP_SERVERS": "nope", "ORDERS_PORT": "eighty", "ORDERS_MONGODB_URI": "http://x/y"}
    with pytest.raises(ConfigError) as caught:
        settings_of("orders", environ=env)
    message = str(caught.value)
    assert "KAFKA_BOOTSTRAP_SERVERS" in message
    assert "ORDERS_PORT" in message
    assert "ORDERS_MONGODB_URI" in message


def test_out_of_range_port_is_refused():
    with pytest.raises(ConfigError, match="ORDERS_PORT=70000"):
        settings_of("orders", environ={"ORDERS_PORT": "70000"})


def test_unknown_service_is_refused():
    with pytest.raises(ConfigError, match="unknown service"):
        settings_of("billing", environ={})


def test_infra_ports_must_differ(tmp_path):
    env = {"PARCELBRIDGE_KAFKA_PORT": "9000", "PARCELBRIDGE_KAFKA_CONTROLLER_PORT": "9000"}
    with pytest.raises(ConfigError, match="must differ"):
        load_infra_settings(environ=env, root=tmp_path)


def test_infra_data_lives_under_the_project_by_default(tmp_path):
    settings = load_infra_settings(environ={}, root=tmp_path)
    assert settings.data_dir == (tmp_path / ".local").resolve()
    assert (settings.kafka_port, settings.kafka_controller_port, settings.ferretdb_port) == (19092, 19093, 27018)


def test_local_port_overrides_move_the_default_addresses():
    env = {"PARCELBRIDGE_KAFKA_PORT": "29092", "PARCELBRIDGE_FERRETDB_PORT": "27028"}
    settings = settings_of("tracking", environ=env)
    assert settings.kafka.bootstrap_servers == ("127.0.0.1:29092",)
    assert settings.mongo.uri == "mongodb://127.0.0.1:27028/parcelbridge_tracking"


def test_health_bounds_default_to_two_seconds_of_readiness_and_two_minutes_of_worker_stall():
    settings = settings_of("orders", environ={})
    assert (settings.health.readiness_timeout_s, settings.health.readiness_cache_s) == (1.5, 1.0)
    assert (settings.health.worker_port, settings.health.worker_stall_s) == (0, 120.0)
    assert settings.mongo.socket_timeout_s == 30.0


def test_health_bounds_come_from_the_environment():
    env = {"READINESS_TIMEOUT_SECONDS": "0.5", "READINESS_CACHE_SECONDS": "0", "WORKER_HEALTH_PORT": "8101",
           "WORKER_STALL_SECONDS": "30", "MONGODB_SOCKET_TIMEOUT_SECONDS": "90"}
    settings = settings_of("orders", environ=env)
    assert (settings.health.readiness_timeout_s, settings.health.readiness_cache_s) == (0.5, 0.0)
    assert (settings.health.worker_port, settings.health.worker_stall_s) == (8101, 30.0)
    assert settings.mongo.socket_timeout_s == 90.0


def test_bad_health_bounds_are_each_named():
    env = {"READINESS_TIMEOUT_SECONDS": "soon", "WORKER_STALL_SECONDS": "0", "MONGODB_SOCKET_TIMEOUT_SECONDS": "-1"}
    with pytest.raises(ConfigError) as caught:
        settings_of("orders", environ=env)
    for name in env:
        assert name in str(caught.value)


def test_the_store_serves_no_debug_port_unless_one_is_given(tmp_path):
    assert load_infra_settings(environ={}, root=tmp_path).ferretdb_debug_port == 0
    env = {"PARCELBRIDGE_FERRETDB_DEBUG_PORT": "24019"}
    assert load_infra_settings(environ=env, root=tmp_path).ferretdb_debug_port == 24019
