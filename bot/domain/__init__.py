"""The domain: plain values and rules, standard library only (no store, no Slack, no parsing).

- refs: who acts (`Actor`) and whom a value is about (`ContactRef`)
- notes, standing, reminders: what each feature's use cases return
- relationship: where a relationship stands and the next best action (pure rules)
- names, occasions, humanize, zones: name keys, yearly dates, "3 days ago", time-zone choice
- errors: the small error tree the adapters catch at their boundary
"""
