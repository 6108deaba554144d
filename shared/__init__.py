"""Jono's domain and the seams every part shares: config, database, tickets, triage, live updates."""
