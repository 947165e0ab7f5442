"""The shipping service: books shipments for placed orders, serves shipment reads and labels."""
