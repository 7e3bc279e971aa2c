"""The reminders feature: stay-in-touch nudges, "you owe" / "still waiting on", birthdays and
heads-ups, delivered as DMs at a sensible local hour.

Use cases (built once, by bot/app.py): cadences.Cadences (cadences, snoozes), schedules.Schedules
(reminder settings), due.Due (what is due, this week), buttons.ReminderButtons (Done, Snooze,
Stop), tick.Delivery (plan, then deliver).

The pipeline a tick runs: tracks (ingest new loops, occasions and tag members) → facts (bulk
loading) → evaluate (pure, with planner) → collect (due now, under the cap; context adds what
teammates did) → enqueue → outbox (claim, send through a Notifier, record). scheduler runs the
jobs it is given; notifier is the port a DM leaves through.
"""
