"""Clerk and admin accounts (no Flask): passwords stored hashed, never in clear."""
