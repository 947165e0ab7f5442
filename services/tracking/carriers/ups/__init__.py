"""UPS Track API v1 answers and Track Alert messages."""
