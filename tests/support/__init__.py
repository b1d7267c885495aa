"""Test support: the fake Slack Web API, the signed-request sender, the one Slack-user driver (``slack_user``)
and the set-up rows and helpers to run the bot."""
