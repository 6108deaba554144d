"""Benchmarks against a live `jono serve` on loopback, each with a bare baseline (`make bench`)."""
