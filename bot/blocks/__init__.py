"""Block Kit: pure functions from domain values to Slack blocks, one module per feature.

- kit: the primitives and Slack's limits (one set of them), escaping, `mrkdwn_to_text`
- ids: every action_id, callback_id and block id Slack sends back
- notes, card, modals, team, standing, reminders: what each feature's results look like

Each user-facing sentence is written once here, as mrkdwn; the console prints the same sentence
through `kit.mrkdwn_to_text`.
"""
