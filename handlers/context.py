"""One shape for "a user asked for something": from a slash command or a button, with a way to answer.

Pair subcommands are plain functions ``(inv, pair) -> None``. ``run_for_pair`` finds the pair the
caller means (the pair DM's, their only one, or asks them to pick) and refuses non-members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from blocks.pairing import choose_pair_blocks
from mentoring.deps import Deps
from mentoring.pairs import Choice, pair_for_member, resolve_pair
from mentoring.problems import Problem
from storage.db import session_scope
from storage.models import Pair


@dataclass
class Invocation:
    deps: Deps
    client: WebClient
    user_id: str
    team_id: str
    channel_id: str
    trigger_id: str
    args: str
    ack_fn: Ack | None
    respond: Respond | None
    acked: bool = field(default=False)

    @property
    def is_admin(self) -> bool:
        return self.deps.settings.is_admin(self.user_id)

    def ack(self) -> None:
        """Acknowledge without an answer (before opening a modal or doing slow work)."""
        if not self.acked and self.ack_fn is not None:
            self.ack_fn()
        self.acked = True

    def reply(self, text: str, blocks: list[dict[str, Any]] | None = None, *, replace: bool = False) -> None:
        """An ephemeral answer to the caller: in the ack if not acked yet, else through ``response_url``."""
        if not self.acked and self.ack_fn is not None:
            self.ack_fn(text=text, blocks=blocks, response_type="ephemeral")
            self.acked = True
            return
        if self.respond is not None:
            self.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=replace)
        elif self.channel_id:
            self.client.chat_postEphemeral(channel=self.channel_id, user=self.user_id, text=text, blocks=blocks)

    def problem(self, problem: Problem) -> None:
        self.reply(problem.message)


PairHandler = Callable[[Invocation, Pair], None]


def invocation_from_command(
    deps: Deps, body: dict[str, Any], ack: Ack, respond: Respond, client: WebClient, args: str
) -> Invocation:
    return Invocation(
        deps=deps,
        client=client,
        user_id=str(body.get("user_id", "")),
        team_id=str(body.get("team_id", "")),
        channel_id=str(body.get("channel_id", "")),
        trigger_id=str(body.get("trigger_id", "")),
        args=args,
        ack_fn=ack,
        respond=respond,
    )


def invocation_from_action(deps: Deps, body: dict[str, Any], respond: Respond | None, client: WebClient) -> Invocation:
    """For block_actions that were already acked: answers go to the response_url (or ephemeral)."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
    return Invocation(
        deps=deps,
        client=client,
        user_id=str((body.get("user") or {}).get("id", "")),
        team_id=str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""),
        channel_id=str(channel),
        trigger_id=str(body.get("trigger_id", "")),
        args="",
        ack_fn=None,
        respond=respond if body.get("response_url") else None,
        acked=True,
    )


def member_pair(inv: Invocation, pair_id: object, *, require_active: bool = True) -> Pair | None:
    """The pair an interaction names, if the caller is a member; otherwise tell them why not and return None."""
    with session_scope(inv.deps.engine) as session:
        pair = pair_for_member(
            session,
            team_id=inv.team_id,
            pair_id=pair_id if isinstance(pair_id, int | str) else None,
            user_id=inv.user_id,
            require_active=require_active,
        )
    if isinstance(pair, Problem):
        inv.problem(pair)
        return None
    return pair


def run_for_pair(inv: Invocation, subcommand: str, handler: PairHandler) -> None:
    """Resolve the pair the caller means and run ``handler`` on it, or tell them why not."""
    with session_scope(inv.deps.engine) as session:
        resolved = resolve_pair(
            session, team_id=inv.team_id, user_id=inv.user_id, channel_id=inv.channel_id, is_admin=inv.is_admin
        )
    if isinstance(resolved, Problem):
        inv.problem(resolved)
    elif isinstance(resolved, Choice):
        inv.reply(
            "You're in several mentoring pairs. Which one is this for?",
            choose_pair_blocks(resolved.pairs, inv.user_id, subcommand=subcommand, args=inv.args),
        )
    else:
        handler(inv, resolved)
