"""The shipping service's edges to the outside: MongoDB and PDF labels."""
