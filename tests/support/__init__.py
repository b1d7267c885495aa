"""Test support: the fake Slack Web API, the signed-request sender and helpers to run the bot."""
