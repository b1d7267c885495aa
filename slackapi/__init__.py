"""The Slack Web API calls the upper layers share: posting the outbox, opening DMs, reading users."""
