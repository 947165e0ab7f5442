"""The composition root of every tracking process: reads the configuration and wires the clients.

Clients are created on first use in each process, so gunicorn workers never share the master's sockets.
Besides shared.config's variables, the tracking service reads (here, and only here):

- `SF_CHECK_WORD`: the check word SF signs route pushes with (unset: SF ingest answers 401 to everything);
- `SF_SIGNATURE_MAX_AGE_SECONDS` (300): how far an SF `timestamp` may be from our clock;
- `UPS_TRACK_ALERT_CREDENTIAL`: the `credential` of our Track Alert subscription (unset: UPS ingest is 401);
- `TRACKING_CARRIER_MAX_BODY_BYTES` (8 MiB) and `TRACKING_MAX_SCANS_PER_REQUEST` (10000): larger is 413;
- `TRACKING_RATE_LIMIT_PER_SECOND` (5; 0 = off) and `TRACKING_RATE_LIMIT_BURST` (20): per client address;
- `TRACKING_OUTBOX_SWEEP_SECONDS` (5) and `TRACKING_OUTBOX_GRACE_SECONDS` (15): how often the relay sweeps for
  events a crashed consumer left unpublished, and how old they must be (the live consumer publishes its own).
- `TRACKING_VIEW_CACHE_SECONDS` (1; 0 = off): how long a web process answers a number from memory, so a change
  shows up at most this late.
- `TRACKING_PARKED_TTL_DAYS` (30) and `TRACKING_PARKED_SWEEP_SECONDS` (3600): how long a scan parked for a number
  nobody booked is kept, and how often the relay process deletes the expired ones.
- The reconciliation poller (relay process; see reconciler.py and the README): `UPS_TRACK_API_URL`,
  `UPS_CLIENT_ID`, `UPS_CLIENT_SECRET` (UPS polled only with a URL); `SF_ROUTE_QUERY_URL`, `SF_PARTNER_ID`,
  `SF_CHECK_PHONE` (SF polled only with a URL; signed with `SF_CHECK_WORD`); `TRACKING_RECON_QUIET_<LEG>_SECONDS`
  per leg (first mile 86400, export customs 172800, air linehaul 129600, import customs 172800, last mile 86400);
  `TRACKING_RECON_INTERVAL_SECONDS` (60), `TRACKING_RECON_MAX_PER_PASS` (200), `TRACKING_RECON_RATE_PER_SECOND` (5)
  and `TRACKING_RECON_BURST` (5) per carrier, `TRACKING_RECON_ATTEMPTS` (3), `TRACKING_RECON_BACKOFF_SECONDS`
  (0.5), `TRACKING_RECON_BACKOFF_CAP_SECONDS` (30), `TRACKING_RECON_BREAKER_FAILURES` (5),
  `TRACKING_RECON_BREAKER_COOL_DOWN_SECONDS` (60).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import timedelta

import requests
from flask import Flask
from pymongo.collection import Collection

from services.tracking.adapters.carrier_query.guarded import GuardedClient
from services.tracking.adapters.carrier_query.sf import SfRouteClient, sf_rate_limited
from services.tracking.adapters.carrier_query.ups import UpsTrackClient
from services.tracking.adapters.reconciliation_store import MongoQuietIndex, MongoReconciliationStore
from services.tracking.adapters.repository import (
    INDEXES,
    TRACKERS,
    MongoAliasRepository,
    MongoParkingRepository,
    MongoTrackerRepository,
)
from services.tracking.adapters.view_cache import ViewCache
from services.tracking.api import tracking_blueprint
from services.tracking.chores.reconciler import CarrierQuery, Reconciler
from services.tracking.domain import zones
from services.tracking.domain.breaker import Breaker
from services.tracking.domain.reconciliation import LEGS, Thresholds
from services.tracking.domain.retry_policy import RetryPolicy
from services.tracking.handlers import Deps
from services.tracking.manifest import MANIFEST
from services.tracking.options import ReconOptions, TrackingOptions
from shared.config import EnvReader, Settings, load_settings
from shared.http.app import create_app
from shared.kafka.producer import EventProducer, TopicOf, catalog_topic, make_kafka_producer
from shared.logs import configure_logging
from shared.mongo.client import IndexedDatabase
from shared.ratelimit import TokenBuckets
from shared.readiness import readiness_checks

log = logging.getLogger(__name__)


class TrackingService:
    """Settings plus lazily made, per-process clients; `topic_of` routes what it publishes (tests)."""

    def __init__(self, settings: Settings, options: TrackingOptions, topic_of: TopicOf = catalog_topic):
        self.settings = settings
        self.options = options
        self.topic_of = topic_of
        self.limiter = TokenBuckets(options.rate_per_second, options.rate_burst)
        self.database = IndexedDatabase(settings.mongo, INDEXES)
        self.readiness = readiness_checks(settings, "parcelbridge-tracking")
        self._producer: tuple[int, EventProducer] | None = None
        self._alias_cache: dict[int, OrderedDict[str, str]] = {}
        self._views: tuple[int, ViewCache] | None = None
        self._session: requests.Session | None = None  # the poller's, made in the relay process only

    def trackers(self) -> MongoTrackerRepository:
        return MongoTrackerRepository(self.database())

    def aliases(self) -> MongoAliasRepository:
        # One cache per process, shared by every request of it (aliases never change once written).
        cache = self._alias_cache.setdefault(os.getpid(), OrderedDict())
        return MongoAliasRepository(self.database(), cache)

    def views(self) -> ViewCache:
        """This process's cache of rendered answers (made on first use, after any fork)."""
        if self._views is None or self._views[0] != os.getpid():
            self._views = (os.getpid(), ViewCache(self.options.view_cache_seconds))
        return self._views[1]

    def parked(self) -> MongoParkingRepository:
        return MongoParkingRepository(self.database())

    def producer(self) -> EventProducer:
        """This process's producer (made on first use, after any fork)."""
        if self._producer is None or self._producer[0] != os.getpid():
            self._producer = (os.getpid(), EventProducer(make_kafka_producer(self.settings.kafka), self.topic_of))
        return self._producer[1]

    def close(self) -> None:
        """Close this process's producer and carrier session, if they were made."""
        if self._producer is not None and self._producer[0] == os.getpid():
            self._producer[1].close()
            self._producer = None
        if self._session is not None:
            self._session.close()
            self._session = None

    def deps(self, producer: EventProducer | None = None) -> Deps:
        return Deps(self.trackers(), self.aliases(), self.parked(), producer or self.producer(),
                    quiet=MongoQuietIndex(self.database()))

    def reconciler(self, stop: threading.Event, on_progress: Callable[[], None]) -> Reconciler:
        """The reconciliation poller with a guarded client per carrier that has a query URL configured."""
        recon = self.options.recon
        self._session = self._session or requests.Session()
        clients: dict[str, CarrierQuery] = {}
        if recon.ups_url:
            clients["ups"] = UpsTrackClient(self._guarded("ups", stop), recon.ups_url, recon.ups_client_id,
                                            recon.ups_client_secret)
        if recon.sf_url:
            clients["sf_express"] = SfRouteClient(self._guarded("sf_express", stop, sf_rate_limited), recon.sf_url,
                                                  recon.sf_partner_id, self.options.sf_check_word,
                                                  recon.sf_check_phone)
        if not clients:
            log.info("reconciliation poller off: set UPS_TRACK_API_URL or SF_ROUTE_QUERY_URL to poll a carrier")
        return Reconciler(MongoReconciliationStore(self.database()), self.deps(), clients, recon.thresholds,
                          recon.interval_seconds, recon.max_per_pass, stop=stop, on_progress=on_progress)

    def _guarded(self, carrier: str, stop: threading.Event,
                 is_transient: Callable[[requests.Response], bool] = lambda _r: False) -> GuardedClient:
        recon = self.options.recon
        assert self._session is not None
        return GuardedClient(
            carrier, self._session, TokenBuckets(recon.rate_per_second, recon.burst),
            Breaker(recon.breaker_failures, recon.breaker_cool_down_seconds),
            RetryPolicy(recon.attempts, recon.backoff_seconds, recon.backoff_cap_seconds),
            is_transient=is_transient, sleep=stop.wait,  # a stop request cuts a backoff or rate-limit wait short
        )

    def outbox_collections(self) -> list[Collection]:
        return [self.database()[TRACKERS]]


def load_options(environ: Mapping[str, str]) -> TrackingOptions:
    """The tracking service's own variables; raises ConfigError naming every bad one."""
    reader = EnvReader(environ)
    options = TrackingOptions(
        sf_check_word=reader.optional("SF_CHECK_WORD") or "",
        sf_signature_max_age=timedelta(seconds=reader.integer("SF_SIGNATURE_MAX_AGE_SECONDS", 300, 10, 86_400)),
        ups_credential=reader.optional("UPS_TRACK_ALERT_CREDENTIAL") or "",
        carrier_max_body_bytes=reader.integer("TRACKING_CARRIER_MAX_BODY_BYTES", 8 * 1_048_576, 1024, 256 * 1_048_576),
        max_scans_per_request=reader.integer("TRACKING_MAX_SCANS_PER_REQUEST", 10_000, 1, 1_000_000),
        rate_per_second=reader.number("TRACKING_RATE_LIMIT_PER_SECOND", 5.0, 0, 100_000),
        rate_burst=reader.integer("TRACKING_RATE_LIMIT_BURST", 20, 1, 1_000_000),
        outbox_sweep_seconds=reader.number("TRACKING_OUTBOX_SWEEP_SECONDS", 5.0, 0.05, 3600),
        outbox_grace_seconds=reader.number("TRACKING_OUTBOX_GRACE_SECONDS", 15.0, 1, 3600),
        view_cache_seconds=reader.number("TRACKING_VIEW_CACHE_SECONDS", 1.0, 0, 60),
        parked_ttl=timedelta(days=reader.number("TRACKING_PARKED_TTL_DAYS", 30.0, 0.0001, 3650)),
        parked_sweep_seconds=reader.number("TRACKING_PARKED_SWEEP_SECONDS", 3600.0, 1, 86_400),
        recon=_recon_options(reader),
    )
    reader.check()
    return options


def _recon_options(reader: EnvReader) -> ReconOptions:
    defaults = ReconOptions()
    quiet = {leg: timedelta(seconds=reader.number(f"TRACKING_RECON_QUIET_{leg.upper()}_SECONDS",
                                                  defaults.thresholds.of(leg).total_seconds(), 1, 90 * 86_400))
             for leg in LEGS}
    text = {name: reader.optional(name) or "" for name in (
        "UPS_TRACK_API_URL", "UPS_CLIENT_ID", "UPS_CLIENT_SECRET", "SF_ROUTE_QUERY_URL", "SF_PARTNER_ID",
        "SF_CHECK_PHONE")}
    return ReconOptions(
        thresholds=Thresholds(**quiet),
        interval_seconds=reader.number("TRACKING_RECON_INTERVAL_SECONDS", 60.0, 0.05, 86_400),
        max_per_pass=reader.integer("TRACKING_RECON_MAX_PER_PASS", 200, 1, 10_000),
        rate_per_second=reader.number("TRACKING_RECON_RATE_PER_SECOND", 5.0, 0.01, 1_000),
        burst=reader.integer("TRACKING_RECON_BURST", 5, 1, 1_000),
        attempts=reader.integer("TRACKING_RECON_ATTEMPTS", 3, 1, 10),
        backoff_seconds=reader.number("TRACKING_RECON_BACKOFF_SECONDS", 0.5, 0, 60),
        backoff_cap_seconds=reader.number("TRACKING_RECON_BACKOFF_CAP_SECONDS", 30.0, 0, 600),
        breaker_failures=reader.integer("TRACKING_RECON_BREAKER_FAILURES", 5, 1, 1_000),
        breaker_cool_down_seconds=reader.number("TRACKING_RECON_BREAKER_COOL_DOWN_SECONDS", 60.0, 0.1, 86_400),
        ups_url=text["UPS_TRACK_API_URL"], ups_client_id=text["UPS_CLIENT_ID"],
        ups_client_secret=text["UPS_CLIENT_SECRET"], sf_url=text["SF_ROUTE_QUERY_URL"],
        sf_partner_id=text["SF_PARTNER_ID"], sf_check_phone=text["SF_CHECK_PHONE"],
    )


def bootstrap(environ: Mapping[str, str] | None = None, topic_of: TopicOf = catalog_topic) -> TrackingService:
    """Read the configuration once and set up logging; no connection is opened yet."""
    environ = os.environ if environ is None else environ
    settings = load_settings(MANIFEST, environ)
    configure_logging("tracking", settings.log_level)
    options = load_options(environ)
    for name, value in (("SF_CHECK_WORD", options.sf_check_word), ("UPS_TRACK_ALERT_CREDENTIAL",
                                                                   options.ups_credential)):
        if not value:
            log.warning("carrier credential not set; that carrier's ingest refuses every request", extra={"var": name})
    return TrackingService(settings, options, topic_of)


def create_tracking_app(service: TrackingService) -> Flask:
    """The tracking API app (clients are opened by the first request of each process)."""
    # The ZIP dataset decompresses on its first lookup (about 2 s here): pay that at start-up, before any
    # carrier's request waits on it (and before gunicorn forks, when the app is preloaded).
    zones.zip_zone("10001")
    return create_app(
        "tracking",
        [tracking_blueprint(service)],
        readiness=service.readiness,
        max_body_bytes=service.settings.max_body_bytes,
    )
