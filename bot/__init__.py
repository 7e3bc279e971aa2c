"""Rapport: a team's memory for relationships."""

__version__ = "0.1.0"
