"""Pre-work at the Slack edge: ``/mentor prework``, the welcome's button, the modal and sharing it."""

from __future__ import annotations

import logging
from functools import partial

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.prework import (
    PREWORK_CALLBACK,
    PREWORK_OPEN_ACTION,
    prework_modal,
    saved_text,
    summary_blocks,
    summary_text,
    updated_blocks,
    updated_text,
)
from handlers.context import (
    Invocation,
    Submission,
    open_for_member,
    open_member_modal,
    register_member_form,
)
from mentoring import prework
from mentoring.deps import Deps
from mentoring.problems import Problem
from storage.db import session_scope
from storage.models import Pair

logger = logging.getLogger(__name__)

MEMBERS_ONLY = Problem("Pre-work is written by the two members of the pair themselves.")


def open_prework(deps: Deps, client: WebClient, *, trigger_id: str, pair: Pair, user_id: str) -> None:
    """Open the pre-work modal, pre-filled with what the member wrote before."""
    with session_scope(deps.engine) as session:
        row = prework.prework_of(session, pair_id=pair.id or 0, user_id=user_id)
        existing = {field: getattr(row, field) for field in prework.FIELDS} if row else None
    client.views_open(trigger_id=trigger_id, view=prework_modal(pair, user_id, existing))


def cmd_prework(inv: Invocation, pair: Pair) -> None:
    """``/mentor prework``: the form, for a member of the pair."""
    open_member_modal(inv, pair, MEMBERS_ONLY, open_prework)


def share(deps: Deps, client: WebClient, submission: Submission[prework.PreworkIn]) -> None:
    """Save, then post the summary (exactly once, when both have written) or an "updated" note."""
    pair, user_id = submission.pair, submission.user_id
    now = deps.now()
    with session_scope(deps.engine) as session:
        outcome = prework.save_prework(session, pair=pair, user_id=user_id, answers=submission.data, now=now)
    if isinstance(outcome, Problem):
        if pair.channel_id:
            client.chat_postEphemeral(channel=pair.channel_id, user=user_id, text=outcome.message)
        return
    with session_scope(deps.engine) as session:
        decision = prework.after_save(session, pair=pair, outcome=outcome, now=now)
    if not pair.channel_id:
        return
    if decision.action == "summary":
        try:
            client.chat_postMessage(
                channel=pair.channel_id, text=summary_text(pair), blocks=summary_blocks(pair, decision.by_member)
            )
        except SlackApiError:
            with session_scope(deps.engine) as session:
                prework.release_share(session, pair_id=pair.id or 0, claimed_at=now)
            raise
    elif decision.action == "updated":
        client.chat_postMessage(
            channel=pair.channel_id, text=updated_text(outcome.prework), blocks=updated_blocks(pair, outcome.prework)
        )
    else:
        client.chat_postEphemeral(channel=pair.channel_id, user=user_id, text=saved_text(pair, user_id, shared=False))


def register(app: App, deps: Deps) -> None:
    app.action(PREWORK_OPEN_ACTION)(partial(open_for_member, deps=deps, open_modal=open_prework))
    register_member_form(
        app, deps, PREWORK_CALLBACK, fields=prework.FIELDS, validate=prework.validate_prework, then=share
    )
