"""The local console: the same use cases as Slack, printed as short text or, with --json, as JSON.

- output: the one printer (text for a person, JSON for a script) and `to_jsonable`
- inputs: who acts (--as) and when (--at, --now)
- notes, reminders, standing: each feature's subcommands (arguments, running them, their text)
- repl: `rapport console`, a DM with the bot in a terminal
- notifier: DMs printed here when there is no Slack token

Sentences come from bot/blocks/ (mrkdwn, written once) through `mrkdwn_to_text`. Module level
imports stay light: the parser is built for every `rapport` invocation, including --help.
"""
