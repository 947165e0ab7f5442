"""The operator console: Kafka views, dead letters, the parcel pipeline and alerts, for operators."""
