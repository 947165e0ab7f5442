"""CloudEvents envelope, one schema per event type, and the topics that carry them."""
