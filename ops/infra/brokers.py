"""The nodes of a local KRaft cluster: each one broker and controller, on ports a fixed stride apart."""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import KAFKA_NODE_PORT_STRIDE, InfraSettings


@dataclass(frozen=True)
class Node:
    node_id: int
    broker_port: int
    controller_port: int

    @property
    def name(self) -> str:
        """Node 1 keeps the single broker's name, so its pid file and log stay where they always were."""
        return "kafka" if self.node_id == 1 else f"kafka-{self.node_id}"


def node(settings: InfraSettings, node_id: int) -> Node:
    shift = KAFKA_NODE_PORT_STRIDE * (node_id - 1)
    return Node(node_id, settings.kafka_port + shift, settings.kafka_controller_port + shift)


def nodes(settings: InfraSettings) -> list[Node]:
    return [node(settings, node_id) for node_id in range(1, settings.kafka_brokers + 1)]


def voters(settings: InfraSettings) -> str:
    """controller.quorum.voters: a static quorum of every node, the same string in each node's config."""
    return ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in nodes(settings))
