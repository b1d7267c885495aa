"""Replies in a check-in's thread (``message.mpim`` events) are recorded as the member's answers."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from blocks.checkins import reply_ack_text
from handlers import payloads
from handlers.wrapup import answer_posts, refresh_checkin_message, thread_post
from mentoring.checkins import append_reply, checkin_for_thread, claim_event
from mentoring.deps import Deps
from mentoring.outbox import enqueue
from mentoring.pairs import pair_for_member
from mentoring.problems import Problem
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
    deliver_due(deps.engine, deps.client_for_team, now, pair_id=pair.id)
    refresh_checkin_message(deps, client, checkin_id)
    return True


def on_message(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext, *, deps: Deps
) -> None:
    if is_member_thread_reply(event, context.bot_user_id):
        handle_thread_reply(deps, client, body, event)


def register(app: App, deps: Deps) -> None:
    app.event("message")(partial(on_message, deps=deps))
