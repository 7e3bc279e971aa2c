"""The local console: the same use cases as Slack, printed as short text or, with --json, as JSON.

- args: every subcommand's arguments (argparse only: `rapport --help` imports just this)
- output: the one printer (text for a person, JSON for a script) and `to_jsonable`
- inputs: who acts (--as) and when (--at, --now)
- notes, reminders, standing, calendar: running each feature's subcommands, and what they print
- repl: `rapport console`, a DM with the bot in a terminal
- notifier: DMs printed here when there is no Slack token

Sentences come from bot/blocks/ (mrkdwn, written once) through `mrkdwn_to_text`. No module here
imports the store, bolt or slack_sdk at module level.
"""
