"""`parcelbridge topics`: create and list the declared topics."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from ops.registry import kafka_settings
from shared.kafka.admin import admin_client, ensure_topics
from shared.kafka.topics import TOPICS


@click.group()
def topics() -> None:
    """The Kafka topics parcelbridge declares."""


@topics.command("create")
def create_command() -> None:
    """Create every declared topic and its dead-letter topic (idempotent)."""
    admin = admin_client(kafka_settings().bootstrap_servers)
    try:
        created = ensure_topics(admin)
    finally:
        admin.close()
    click.echo(f"created: {', '.join(created) if created else 'nothing, all exist'}")


@topics.command("list")
def list_command() -> None:
    """Show the declared topics."""
    table = Table("topic", "partitions", "key", "event types", "dead letters")
    for topic in TOPICS:
        table.add_row(topic.name, str(topic.partitions), topic.key, ", ".join(topic.event_types), topic.dlq)
    Console().print(table)
