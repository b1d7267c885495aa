"""The ``/mentor`` slash command: routes the subcommand to its handler, answers help and unknown input."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from handlers.blocks.help import help_blocks, help_text
from handlers.parsing import split_command

logger = logging.getLogger(__name__)

#: Longest command text we look at; Slack itself caps slash command text far above what we need.
MAX_COMMAND_TEXT = 4000


@dataclass(frozen=True)
class CommandContext:
    """What a subcommand handler gets: the parsed command and the means to answer."""

    ack: Ack
    respond: Respond
    client: WebClient
    deps: Deps
    body: dict[str, Any]
    args: str

    @property
    def user_id(self) -> str:
        return str(self.body.get("user_id", ""))

    @property
    def team_id(self) -> str:
        return str(self.body.get("team_id", ""))

    @property
    def channel_id(self) -> str:
        return str(self.body.get("channel_id", ""))

    @property
    def trigger_id(self) -> str:
        return str(self.body.get("trigger_id", ""))

    def reply(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Acknowledge with an ephemeral answer only the caller sees."""
        self.ack(text=text, blocks=blocks, response_type="ephemeral")


Handler = Callable[[CommandContext], None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    handler: Handler | None = None  # None: in the contract, not built yet


def _contract_subcommands() -> list[Subcommand]:
    """Every subcommand of the contract, in the order help lists them."""
    built: dict[str, Handler] = {}
    return [
        Subcommand(name, usage, summary, built.get(name))
        for name, usage, summary in (
            ("help", "help", "this list"),
            ("pair", "pair @mentor @mentee", "pair two people (admins)"),
            ("import", "import", "pair many people at once (admins)"),
            ("prework", "prework", "what you want, bring and expect"),
            ("boundaries", "boundaries", "agree how, when and where you meet"),
            ("goals", "goals", "your pair's SMART goals and progress"),
            ("roadmap", "roadmap", "a theme for each meeting"),
            ("actions", "actions", "your open follow-through items"),
            ("wrapup", "wrapup", "post the end-of-session questions now"),
            ("end", "end", "end the pairing"),
            ("export", "export", "download your own data"),
            ("report", "report", "program figures (admins)"),
        )
    ]


class CommandRouter:
    def __init__(self, subcommands: list[Subcommand]) -> None:
        self.subcommands = {s.name: s for s in subcommands}

    def help_entries(self) -> list[tuple[str, str]]:
        return [(s.usage, s.summary) for s in self.subcommands.values() if s.handler or s.name == "help"]

    def send_help(self, ctx: CommandContext, intro: str | None = None) -> None:
        entries = self.help_entries()
        text = f"{intro} {help_text(entries)}" if intro else help_text(entries)
        ctx.reply(text, help_blocks(entries, intro=intro))

    def dispatch(self, ctx: CommandContext, name: str) -> None:
        if name in ("", "help"):
            self.send_help(ctx)
            return
        subcommand = self.subcommands.get(name)
        if subcommand is None:
            shown = name if len(name) <= 30 else name[:29] + "…"
            self.send_help(ctx, intro=f"Unknown subcommand `{shown}`.")
            return
        if subcommand.handler is None:
            ctx.reply(f"`/mentor {name}` is not available yet. Try `/mentor help` for what you can do today.")
            return
        subcommand.handler(ctx)


def register(app: App, deps: Deps) -> None:
    router = CommandRouter(_contract_subcommands())

    def handle_mentor(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = str(body.get("text") or "")
        if len(text) > MAX_COMMAND_TEXT:
            ack(text="That command is too long. Try `/mentor help`.", response_type="ephemeral")
            return
        name, args = split_command(text)
        ctx = CommandContext(ack=ack, respond=respond, client=client, deps=deps, body=body, args=args)
        router.dispatch(ctx, name)

    app.command("/mentor")(handle_mentor)
