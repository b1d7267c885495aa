"""The ``/mentor`` slash command: routes the subcommand to its handler, answers help and unknown input.

Feature modules under ``handlers/`` offer subcommands through two dictionaries:
``COMMANDS`` (name → ``(inv) -> None``) and ``PAIR_COMMANDS`` (name → ``(inv, pair) -> None``, run
on the pair the caller means). A contract subcommand nobody offers yet is hidden from help and
answered "not available yet".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from blocks.help import help_blocks, help_text
from blocks.pairing import parse_choice
from handlers.context import Invocation, PairHandler, invocation_from_action, invocation_from_command, run_for_pair
from handlers.parsing import split_command
from mentoring.deps import Deps
from mentoring.pairs import pair_for_member
from mentoring.problems import Problem
from mentoring.text import escape_mrkdwn
from storage.db import session_scope

logger = logging.getLogger(__name__)

#: Longest command text we look at; longer input is refused before any parsing.
MAX_COMMAND_TEXT = 4000

CONTRACT = (
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

CommandFn = Callable[[Invocation], None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    run: CommandFn | None  # None: in the contract, not built yet


class CommandRouter:
    def __init__(self, commands: Mapping[str, CommandFn], pair_commands: Mapping[str, PairHandler]) -> None:
        self.pair_commands = dict(pair_commands)

        def for_pair(name: str) -> CommandFn:
            return lambda inv: run_for_pair(inv, name, self.pair_commands[name])

        runners: dict[str, CommandFn] = {name: for_pair(name) for name in pair_commands}
        runners.update(commands)
        self.subcommands = {
            name: Subcommand(name, usage, summary, runners.get(name)) for name, usage, summary in CONTRACT
        }

    def help_entries(self) -> list[tuple[str, str]]:
        return [(s.usage, s.summary) for s in self.subcommands.values() if s.run or s.name == "help"]

    def send_help(self, inv: Invocation, intro: str | None = None) -> None:
        entries = self.help_entries()
        text = f"{intro} {help_text(entries)}" if intro else help_text(entries)
        inv.reply(text, help_blocks(entries, intro=intro))

    def dispatch(self, inv: Invocation, name: str) -> None:
        if name in ("", "help"):
            self.send_help(inv)
            return
        subcommand = self.subcommands.get(name)
        if subcommand is None:
            shown = name if len(name) <= 30 else name[:29] + "…"
            intro = f"Sorry, `{escape_mrkdwn(shown)}` is an unknown subcommand. Here is what I can do:"
            self.send_help(inv, intro=intro)
            return
        if subcommand.run is None:
            inv.reply(f"`/mentor {name}` is not available yet. Try `/mentor help` for what you can do today.")
            return
        subcommand.run(inv)


def collect(modules: Iterable[ModuleType]) -> tuple[dict[str, CommandFn], dict[str, PairHandler]]:
    commands: dict[str, CommandFn] = {}
    pair_commands: dict[str, PairHandler] = {}
    for module in modules:
        commands.update(getattr(module, "COMMANDS", {}))
        pair_commands.update(getattr(module, "PAIR_COMMANDS", {}))
    return commands, pair_commands


def register(app: App, deps: Deps, feature_modules: Iterable[ModuleType] = ()) -> None:
    router = CommandRouter(*collect(feature_modules))

    def handle_mentor(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = str(body.get("text") or "")
        if len(text) > MAX_COMMAND_TEXT:
            ack(text="That command is too long. Try `/mentor help`.", response_type="ephemeral")
            return
        name, args = split_command(text)
        router.dispatch(invocation_from_command(deps, body, ack, respond, client, args), name)

    def handle_choose_pair(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        inv = invocation_from_action(deps, body, respond, client)
        choice = parse_choice(str(action.get("value", "")))
        handler = router.pair_commands.get(choice[0]) if choice else None
        if choice is None or handler is None:
            inv.reply("That choice is no longer valid. Run the command again.")
            return
        _, pair_id, inv.args = choice
        with session_scope(deps.engine) as session:
            pair = pair_for_member(
                session, team_id=inv.team_id, pair_id=pair_id, user_id=inv.user_id, is_admin=inv.is_admin
            )
        if isinstance(pair, Problem):
            inv.problem(pair)
            return
        handler(inv, pair)

    app.command("/mentor")(handle_mentor)
    app.action("choose_pair")(handle_choose_pair)
