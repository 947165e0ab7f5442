"""What the orders service talks to: its MongoDB database and shippers' webhook receivers."""
