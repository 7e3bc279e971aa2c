"""One module per Slack surface, each with `register(app, deps)`.

Bolt listeners only: ack, pull fields, call the use cases they are handed (Deps.rapport),
render with bot/blocks/. No SQL, no parsing, no business rules, no renderers of their own.
"""
