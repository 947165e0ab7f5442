"""What the orders context talks to: its MongoDB database (orders, shippers, API keys and the order listing)."""
