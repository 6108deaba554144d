"""Tests of the manager pages and their API (manage/)."""
