"""Flask plumbing shared by every service's API."""
