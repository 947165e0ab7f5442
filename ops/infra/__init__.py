"""The local Kafka broker and FerretDB store: fetched, configured, started and stopped without Docker."""
