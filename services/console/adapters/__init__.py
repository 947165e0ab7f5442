"""The console's edges: read-only Kafka access, its own MongoDB, password hashing, the alert webhook."""
