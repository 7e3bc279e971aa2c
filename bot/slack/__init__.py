"""The Slack edge: the bolt app over the handlers (app), HTTP and Socket Mode serving (server),
the Web API client with its retries (client), and reminder DMs as a Notifier (notifier)."""
