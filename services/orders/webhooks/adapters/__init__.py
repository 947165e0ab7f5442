"""The webhook store, the delivery queue, the HTTP sender and the deliverer's doorbell."""
