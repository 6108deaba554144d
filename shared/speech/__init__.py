"""Spoken call-outs and read-aloud texts (no Flask): espeak-ng, offline, cached on disk."""
