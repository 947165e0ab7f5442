"""Benchmarks: run against a running stack (`make run`), never part of `make test`."""
