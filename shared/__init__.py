"""Jono's domain and what every part shares: config, database, tickets, triage, live updates."""
