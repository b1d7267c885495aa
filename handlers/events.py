"""Replies in a check-in's thread (``message.mpim`` events) are recorded as the member's answers.

Free text makes no items by itself: when a reply has lines that look like commitments, its author alone
gets them as checkboxes (an ephemeral message in the thread) with *Make these my next steps*; only the
ticked lines become their items, once. Prefixed lines (``next:``, ``resource:`` …) are items directly.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.actions import OFFER_ACTION, OFFER_LINES_BLOCK, OFFER_TICK_ACTION, adopted_message, offer_message
from blocks.checkins import reply_ack_text
from handlers import payloads
from handlers.context import invocation
from handlers.wrapup import answer_posts, refresh_checkin_message, thread_post
from mentoring.checkins import append_reply, checkin_for_thread, checkin_message_ts, claim_event
from mentoring.deps import Deps
from mentoring.meetings import next_meeting
from mentoring.outbox import enqueue
from mentoring.pairs import pair_for_member
from mentoring.problems import Problem
from mentoring.replies import Adopted, adopt, offer, offered_lines, suggestion_in_team
from slackapi.delivery import deliver_due
from storage.db import session_scope

logger = logging.getLogger(__name__)


def is_member_thread_reply(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """A person's plain reply inside a thread of a group DM (not an edit, not a bot, not ourselves)."""
    thread_ts = event.get("thread_ts")
    return (
        event.get("channel_type") == "mpim"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
        and bool(thread_ts)
        and thread_ts != event.get("ts")
        and bool(str(event.get("text") or "").strip())
    )


def handle_thread_reply(deps: Deps, client: WebClient, body: dict[str, Any], event: dict[str, Any]) -> bool:
    """Record a reply in a check-in's thread as the member's answers; True when it was one."""
    team_id = payloads.team_id(body)
    user = str(event["user"])
    now = deps.now()
    with session_scope(deps.engine) as session:
        checkin = checkin_for_thread(
            session, team_id=team_id, channel_id=str(event.get("channel", "")), thread_ts=str(event["thread_ts"])
        )
        if checkin is None:
            return False
        pair = pair_for_member(session, team_id=team_id, pair_id=checkin.pair_id, user_id=user)
        if isinstance(pair, Problem):
            return False
        if not claim_event(session, team_id=team_id, event_id=payloads.event_id(body), now=now):
            return False  # Slack retried an event we already recorded
        outcome = append_reply(session, checkin=checkin, pair=pair, user_id=user, text=str(event["text"]), now=now)
        posts = [
            thread_post(
                session,
                pair=pair,
                checkin=checkin,
                key=f"reply:{checkin.id}:{event.get('ts')}",
                kind="reply_ack",
                text=reply_ack_text(user, len(outcome.new_items)),
                now=now,
            ),
            *answer_posts(session, pair=pair, checkin=checkin, outcome=outcome, now=now),
        ]
        enqueue(session, posts, now=now)
        checkin_id = checkin.id or 0
        suggestion = offer(session, checkin=checkin, user_id=user, text=str(event["text"]), now=now)
        offered = (suggestion.id or 0, offered_lines(suggestion)) if suggestion is not None else None
        thread_ts = checkin_message_ts(session, checkin) or str(event["thread_ts"])
        channel = checkin.channel_id
    deliver_due(deps.engine, deps.client_for_team, now, pair_id=pair.id)
    refresh_checkin_message(deps, client, checkin_id)
    if offered is not None:
        text, blocks = offer_message(*offered)
        try:
            client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=text, blocks=blocks)
        except SlackApiError as error:
            logger.warning("could not offer next steps to %s: %s", user, error.response.get("error"))
    return True


def make_next_steps(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    """*Make these my next steps*: the ticked lines become the author's items (only theirs, only once)."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    ticked = payloads.selected(body, OFFER_LINES_BLOCK)
    now = deps.now()
    with session_scope(deps.engine) as session:
        suggestion = suggestion_in_team(session, team_id=inv.team_id, suggestion_id=payloads.action_value(body))
        if suggestion is None:
            inv.problem(Problem("I couldn't find that reply any more."))
            return
        pair = inv.pair(session, suggestion.pair_id)
        if isinstance(pair, Problem):
            inv.problem(pair)
            return
        result = adopt(session, suggestion=suggestion, pair=pair, user_id=inv.user_id, ticked=ticked, now=now)
        if isinstance(result, Adopted) and result.outcome is not None:
            enqueue(
                session,
                answer_posts(session, pair=pair, checkin=result.checkin, outcome=result.outcome, now=now),
                now=now,
            )
        following = next_meeting(session, pair.id or 0, now)
    if isinstance(result, Problem):
        inv.problem(result)
        return
    inv.reply(adopted_message(result.lines, following.scheduled_at if following else None), replace=True)
    deliver_due(deps.engine, deps.client_for_team, now, pair_id=pair.id)
    refresh_checkin_message(deps, client, result.checkin.id or 0)


def tick_line(ack: Ack) -> None:
    """Ticking a line changes nothing yet: the button reads what is ticked."""
    ack()


def on_message(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext, *, deps: Deps
) -> None:
    if is_member_thread_reply(event, context.bot_user_id):
        handle_thread_reply(deps, client, body, event)


def register(app: App, deps: Deps) -> None:
    app.event("message")(partial(on_message, deps=deps))
    app.action(OFFER_ACTION)(partial(make_next_steps, deps=deps))
    app.action(OFFER_TICK_ACTION)(tick_line)
