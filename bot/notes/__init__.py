"""The notes feature: what people tell Rapport and what it tells them back.

Use cases (each built once, by bot/app.py):
- log.Logbook: log a note, "which Jane?", edit, undo  (filing.py files it; resolve.py finds
  or creates the people it names)
- recall.Recall: recall, one note, a contact's card, open loops, the App Home summary
- contacts.Contacts: alias, rename, merge, forget (with the audit log)
- team.Team: who knows whom (and the team queries the card, the log and the reminders use)
- workspace.Workspaces, users.Users, transfer.Transfer: defaults, zones, import and export

Queries shared inside the feature: lookup (a name → a contact), serendipity (an older note that
answers a new one), values (rows → domain values), importer and export (the file formats).
"""
