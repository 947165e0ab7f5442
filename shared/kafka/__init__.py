"""Kafka plumbing: topics, the event producer, the consumer runner and the dead-letter topics."""
