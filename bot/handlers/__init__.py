"""One module per Slack surface, each with `register(app, deps)`.

Thin: ack, pull fields, call the service, render blocks. No SQL, no parsing, no business rules.
"""
