"""The two local components: how each is installed, configured, started and probed."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from string import Template

from ops.infra import brokers
from ops.infra.brokers import Node
from ops.infra.layout import DEPLOY_LOCAL, FERRETDB_MODULE, Layout, require

MAVEN_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
KAFKA_DEPLOY = DEPLOY_LOCAL / "kafka"
FERRETDB_PATCHES = DEPLOY_LOCAL / "ferretdb"


class InstallFailed(RuntimeError):
    """Fetching or building a component failed; the message carries the command and its output."""


def _run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr)[-3000:]
        raise InstallFailed(f"`{' '.join(command)}` failed with exit code {result.returncode}:\n{tail}")
    return result.stdout


@dataclass(frozen=True)
class Kafka:
    """One Kafka node: the single broker (`node_id` 1 of 1), or one node of a local KRaft cluster."""

    layout: Layout
    node_id: int = 1

    @property
    def node(self) -> Node:
        return brokers.node(self.layout.settings, self.node_id)

    @property
    def clustered(self) -> bool:
        return self.layout.settings.kafka_brokers > 1

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.node.broker_port, self.node.controller_port)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.node.broker_port}"

    def installed(self) -> bool:
        return _stamp_matches(self.layout.kafka_libs, _digest(KAFKA_DEPLOY / "pom.xml"))

    def install(self) -> None:
        """Resolve the broker's runtime jars from Maven Central into the local data folder."""
        tools = require("java", "mvn")
        libs = self.layout.kafka_libs
        shutil.rmtree(libs, ignore_errors=True)
        libs.mkdir(parents=True)
        _run([tools["mvn"], "-q", "-B", "-f", str(KAFKA_DEPLOY / "pom.xml"),
              f"{MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies", "-DincludeScope=runtime",
              f"-DoutputDirectory={libs}"])
        _write_stamp(libs, _digest(KAFKA_DEPLOY / "pom.xml"))

    def prepare(self) -> None:
        """Write the node's properties and format its storage once (a formatted directory is kept)."""
        self.config.parent.mkdir(parents=True, exist_ok=True)
        self.config.write_text(self._properties())
        if (self.data / "meta.properties").exists():
            return
        java = require("java")["java"]
        tool = [java, *self._jvm_args(), "kafka.tools.StorageTool"]
        if not self.clustered:
            _run([*tool, "format", "--standalone", "-g", "-t", new_cluster_id(), "-c", str(self.config)])
            return
        # A static quorum (controller.quorum.voters) is formatted with no quorum flag, every node with one id.
        _run([*tool, "format", "-g", "-t", self._cluster_id(), "-c", str(self.config)])

    @property
    def data(self) -> Path:
        return self.layout.kafka_cluster / f"node-{self.node_id}" if self.clustered else self.layout.kafka_data

    @property
    def config(self) -> Path:
        if self.clustered:
            return self.layout.kafka_config.parent / "cluster" / f"node-{self.node_id}.properties"
        return self.layout.kafka_config

    def _properties(self) -> str:
        node = self.node
        if not self.clustered:
            template = Template((KAFKA_DEPLOY / "server.properties.tmpl").read_text())
            return template.substitute(broker_port=node.broker_port, controller_port=node.controller_port,
                                       data_dir=self.data)
        # Imported here: the topic catalogue loads every event schema (pydantic), seconds on a busy machine, which
        # every `infra` and `stop` call would otherwise pay although only a clustered start needs this.
        from shared.kafka.topics import replication_for

        factor, min_insync = replication_for(self.layout.settings.kafka_brokers)
        template = Template((KAFKA_DEPLOY / "cluster.properties.tmpl").read_text())
        return template.substitute(
            node_id=node.node_id, voters=brokers.voters(self.layout.settings), broker_port=node.broker_port,
            controller_port=node.controller_port, data_dir=self.data, replication_factor=factor,
            min_insync_replicas=min_insync,
        )

    def _cluster_id(self) -> str:
        record = self.layout.kafka_cluster / "cluster-id"
        if not record.exists():
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(new_cluster_id() + "\n")
        return record.read_text().strip()

    def command(self) -> list[str]:
        s = self.layout.settings
        heap = s.kafka_node_heap if self.clustered else s.kafka_heap
        return [require("java")["java"], "-Xms256m", f"-Xmx{heap}", "-XX:+UseG1GC",
                *self._jvm_args(), "kafka.Kafka", str(self.config)]

    def env(self) -> dict[str, str]:
        return dict(os.environ)

    def ready(self) -> bool:
        """This node answers and the cluster lists it as an unfenced broker."""
        from kafka import KafkaAdminClient
        from kafka.errors import KafkaError

        try:
            admin = KafkaAdminClient(bootstrap_servers=[self.address], request_timeout_ms=3000,
                                     client_id="parcelbridge-infra")
        except KafkaError:
            return False
        try:
            listed = admin.describe_cluster()["brokers"]
        except KafkaError:
            return False
        finally:
            admin.close()
        return any(b["broker_id"] == self.node_id and not b.get("is_fenced", False) for b in listed)

    def log_hint(self) -> Path:
        return self.layout.logs / self.name / "server.log"

    def _jvm_args(self) -> list[str]:
        return [
            f"-Dlog4j2.configurationFile={KAFKA_DEPLOY / 'log4j2.properties'}",
            f"-Dkafka.logs.dir={self.layout.logs / self.name}",
            "-cp", f"{self.layout.kafka_libs}/*",
        ]


@dataclass(frozen=True)
class FerretDB:
    layout: Layout
    name: str = "ferretdb"

    @property
    def ports(self) -> tuple[int, ...]:
        s = self.layout.settings
        return (s.ferretdb_port, s.ferretdb_debug_port) if s.ferretdb_debug_port else (s.ferretdb_port,)

    @property
    def address(self) -> str:
        return f"mongodb://127.0.0.1:{self.layout.settings.ferretdb_port}/"

    def installed(self) -> bool:
        return self.layout.ferretdb_bin.exists() and _stamp_matches(self.layout.ferretdb_bin.parent,
                                                                      _patches_digest())

    def install(self) -> None:
        """Build FerretDB from its released module source with the local Go toolchain.

        `go install module@v1.24.2` panics at start-up: the module zip lacks the generated
        build/version/version.txt. So the module source is copied, the file written as the panic
        message advises, our fixes in deploy/local/ferretdb/*.patch applied (each says why in its header),
        and `go install` run inside it.
        """
        tools = require("go", "git")
        go = tools["go"]
        module, version = FERRETDB_MODULE.split("/cmd/ferretdb@")
        info = json.loads(_run([go, "mod", "download", "-json", f"{module}@{version}"]))
        source = self.layout.root / "src" / "ferretdb"
        shutil.rmtree(source, ignore_errors=True)
        shutil.copytree(info["Dir"], source)
        for path in [source, *source.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
        (source / "build" / "version" / "version.txt").write_text(version + "\n")
        for patch in sorted(FERRETDB_PATCHES.glob("*.patch")):
            _run([tools["git"], "apply", "-p1", str(patch)], cwd=source)
        env = {**os.environ, "GOBIN": str(self.layout.ferretdb_bin.parent), "CGO_ENABLED": "0"}
        _run([go, "install", "./cmd/ferretdb"], cwd=source, env=env)
        _write_stamp(self.layout.ferretdb_bin.parent, _patches_digest())

    def prepare(self) -> None:
        self.layout.ferretdb_data.mkdir(parents=True, exist_ok=True)
        self.layout.ferretdb_state.mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        return [
            str(self.layout.ferretdb_bin), "--handler=sqlite",
            # WAL (FerretDB's default) with synchronous=NORMAL: a commit no longer waits for an fsync of the
            # log, which made every write cost ~25 ms here; a process crash still loses nothing.
            f"--sqlite-url=file:{self.layout.ferretdb_data}/?_pragma=synchronous(normal)",
            f"--listen-addr=127.0.0.1:{self.layout.settings.ferretdb_port}",
            f"--state-dir={self.layout.ferretdb_state}", f"--debug-addr={self._debug_addr()}", "--telemetry=disable",
            "--log-level=warn",
        ]

    def env(self) -> dict[str, str]:
        return {**os.environ, "DO_NOT_TRACK": "1"}

    def _debug_addr(self) -> str:
        # Off unless a port is given: the bench reads its per-command counters (/debug/metrics) from there.
        port = self.layout.settings.ferretdb_debug_port
        return f"127.0.0.1:{port}" if port else "-"

    def ready(self) -> bool:
        from pymongo import MongoClient
        from pymongo.errors import PyMongoError

        client = MongoClient(self.address, serverSelectionTimeoutMS=1000, connectTimeoutMS=1000)
        try:
            client.admin.command("ping")
            return True
        except PyMongoError:
            return False
        finally:
            client.close()

    def log_hint(self) -> Path:
        return self.layout.log_file(self.name)


Component = Kafka | FerretDB


def new_cluster_id() -> str:
    """A cluster id as `StorageTool random-uuid` prints it (16 random bytes, URL-safe base64), without a JVM start."""
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not candidate.startswith("-"):  # Kafka's own generator refuses these too: they read as command flags
            return candidate


def components(layout: Layout) -> list[Component]:
    return [*kafka_nodes(layout), FerretDB(layout)]


def kafka_nodes(layout: Layout) -> list[Kafka]:
    return [Kafka(layout, n.node_id) for n in brokers.nodes(layout.settings)]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _patches_digest() -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(FERRETDB_PATCHES.glob("*.patch")))).hexdigest()


def _stamp_matches(folder: Path, digest: str) -> bool:
    stamp = folder / ".installed"
    return stamp.exists() and stamp.read_text().strip() == digest


def _write_stamp(folder: Path, digest: str) -> None:
    (folder / ".installed").write_text(digest + "\n")
