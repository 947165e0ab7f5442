"""The simulator's edges: HTTP to the services, Kafka for bookings, the ground-truth file."""
