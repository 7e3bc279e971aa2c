"""Reminders: the planner (pure), the outbox (claim, send, record) and the scheduler tick."""
