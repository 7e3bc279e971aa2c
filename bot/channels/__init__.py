"""Interactions from other channels than a typed note: calendars (and, later, shared Slack
channels). `calendars/` reads what outside systems send; the use cases here file it."""
