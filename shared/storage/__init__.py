"""Storage: SQLite connections, the one write-transaction helper, the event log and the
numbered migrations. It knows nothing of tickets or appointments beyond their tables."""
