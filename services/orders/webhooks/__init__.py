"""Shipper webhooks: registration, the delivery queue on order documents, the delivery log and the deliverer."""
