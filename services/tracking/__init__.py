"""The tracking service: carrier scans in, one China -> US timeline out."""
