"""The orders service: shippers and their API keys, orders, and each order's status as its parcel moves."""
