"""Member-typed text put into Slack messages: the one escaping rule."""

from __future__ import annotations


def escape_mrkdwn(text: str) -> str:
    """Text a member typed, made safe for a message's ``text`` or mrkdwn (Slack's formatting rules).

    ``&``, ``<`` and ``>`` become entities, so ``<!here>``, ``<!channel>``, ``<@U…>`` and ``<url|label>``
    show as typed instead of notifying people or linking.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
