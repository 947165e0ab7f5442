"""Code shared by the parcelbridge services: configuration, events, Kafka, MongoDB, HTTP, logging."""
