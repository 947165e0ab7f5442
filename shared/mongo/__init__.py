"""MongoDB access shared by the services: fork-safe clients, indexes, versioned documents, the outbox."""
