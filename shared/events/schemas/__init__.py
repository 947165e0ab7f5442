"""Data schemas of the events, one module per topic family."""
