"""One shape for "a user asked for something": from a slash command, a button or a modal, with a way to answer.

Pair subcommands are plain functions ``(inv, pair) -> None``. ``run_for_pair`` finds the pair the
caller means (the pair DM's, their only one, or asks them to pick) and refuses non-members.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from blocks.pairing import choose_pair_blocks
from handlers import payloads
from mentoring.deps import Deps
from mentoring.pairs import Choice, pair_for_member, resolve_pair
from mentoring.problems import Problem
from slackapi.users import user_timezone
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

    def timezone(self, session: Session) -> str:
        """The caller's time zone: Slack's (cached), else the configured default."""
        deps = self.deps
        return user_timezone(
            session,
            self.client,
            team_id=self.team_id,
            user_id=self.user_id,
            now=deps.now(),
            default=deps.settings.default_tz,
        )

    def pair(
        self, session: Session, pair_id: object, *, require_active: bool = True, admins_too: bool = False
    ) -> Pair | Problem:
        """The pair ``pair_id`` names, if the caller is a member (or, with ``admins_too``, an admin)."""
        return pair_for_member(
            session,
            team_id=self.team_id,
            pair_id=pair_id if isinstance(pair_id, int | str) else None,
            user_id=self.user_id,
            is_admin=admins_too and self.is_admin,
            require_active=require_active,
        )


PairHandler = Callable[[Invocation, Pair], None]
T = TypeVar("T")


def invocation(
    deps: Deps,
    body: dict[str, Any],
    client: WebClient,
    *,
    ack: Ack | None = None,
    respond: Respond | None = None,
    args: str = "",
) -> Invocation:
    """From a slash command (pass ``ack``: the answer goes in it), or an already acked button or modal."""
    return Invocation(
        deps=deps,
        client=client,
        user_id=payloads.user_id(body),
        team_id=payloads.team_id(body),
        channel_id=payloads.channel_id(body),
        trigger_id=payloads.trigger_id(body),
        args=args,
        ack_fn=ack,
        respond=respond if ack is not None or payloads.response_url(body) else None,
        acked=ack is None,
    )


def member_pair(inv: Invocation, pair_id: object, *, require_active: bool = True) -> Pair | None:
    """The pair an interaction names, if the caller is a member; otherwise tell them why not and return None."""
    with session_scope(inv.deps.engine) as session:
        pair = inv.pair(session, pair_id, require_active=require_active)
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


@dataclass(frozen=True)
class Submission(Generic[T]):
    """A modal submitted by a member of the pair it was opened for, with its validated contents."""

    pair: Pair
    user_id: str
    data: T


def member_submission(
    deps: Deps,
    body: dict[str, Any],
    view: dict[str, Any],
    fields: Sequence[str],
    validate: Callable[[dict[str, str | None]], T | dict[str, str]],
) -> Submission[T] | dict[str, str]:
    """The validated submission of a pair member (the pair in the modal's ``pair_id``), or errors by block id.

    A submitter who is not (or no longer) a member gets the refusal on the first field.
    """
    user_id = payloads.user_id(body)
    pair_id = payloads.metadata(view).get("pair_id")
    with session_scope(deps.engine) as session:
        pair = pair_for_member(
            session,
            team_id=payloads.team_id(body),
            pair_id=pair_id if isinstance(pair_id, int | str) else None,
            user_id=user_id,
        )
    if isinstance(pair, Problem):
        return {fields[0]: pair.message}
    data = validate(payloads.inputs(view, fields))
    if isinstance(data, dict):
        return data
    return Submission(pair, user_id, data)


class ModalOpener(Protocol):
    """Opens a pair's modal for one of its members."""

    def __call__(self, deps: Deps, client: WebClient, *, trigger_id: str, pair: Pair, user_id: str) -> None: ...


Validate = Callable[[dict[str, str | None]], Any]


def open_member_modal(inv: Invocation, pair: Pair, refusal: Problem, open_modal: ModalOpener) -> None:
    """A pair subcommand whose modal only the pair's own members fill in (an admin in the DM gets ``refusal``)."""
    if not pair.has_member(inv.user_id):
        inv.problem(refusal)
        return
    inv.ack()
    open_modal(inv.deps, inv.client, trigger_id=inv.trigger_id, pair=pair, user_id=inv.user_id)


def open_for_member(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps, open_modal: ModalOpener
) -> None:
    """A button whose value is a pair id: open that pair's modal for a member of it."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    pair = member_pair(inv, payloads.action_value(body))
    if pair is not None:
        open_modal(deps, client, trigger_id=inv.trigger_id, pair=pair, user_id=inv.user_id)


def ack_member_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], *, deps: Deps, fields: Sequence[str], validate: Validate
) -> None:
    """Within 3 seconds: the errors on their fields, or close the modal (the saving is lazy)."""
    checked = member_submission(deps, body, view, fields, validate)
    if isinstance(checked, dict):
        ack(response_action="errors", errors=checked)
    else:
        ack()


def after_member_submission(
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    *,
    deps: Deps,
    fields: Sequence[str],
    validate: Validate,
    then: Callable[[Deps, WebClient, Submission[Any]], None],
) -> None:
    """After the ack: check the submission again (nothing is kept between the two) and act on it."""
    checked = member_submission(deps, body, view, fields, validate)
    if isinstance(checked, Submission):
        then(deps, client, checked)


def register_member_form(
    app: App,
    deps: Deps,
    callback_id: str,
    *,
    fields: Sequence[str],
    validate: Validate,
    then: Callable[[Deps, WebClient, Submission[Any]], None],
) -> None:
    """A pair's modal: checked within the ack, then ``then`` runs lazily on the valid submission."""
    app.view(callback_id)(
        ack=partial(ack_member_submission, deps=deps, fields=fields, validate=validate),
        lazy=[partial(after_member_submission, deps=deps, fields=fields, validate=validate, then=then)],
    )
