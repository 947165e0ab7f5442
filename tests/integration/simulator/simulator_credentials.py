"""Carrier credentials the tracking service under test is configured with, and the simulator signs with."""

CHECK_WORD, CREDENTIAL = "simulator-integration-check-word", "simulator-integration-ups-credential"
