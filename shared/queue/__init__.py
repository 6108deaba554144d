"""The walk-in queue (no Flask): tickets and their numbers, the counters' actions, call order,
counters, triage, opening hours, the snapshot, check-in, ticket print status and turn-near texts."""
