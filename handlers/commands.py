"""The ``/mentor`` slash command: one table, subcommand → the function that answers it; help is built from it.

An entry's ``run`` takes the invocation; ``on_pair`` takes the invocation and the pair the caller
means (their pair DM's, their only one, or the one they pick from the buttons ``run_for_pair``
offers). A subcommand of the contract with neither is not built yet: it is left out of help and
answered "not available yet".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from blocks.help import help_blocks, help_text
from blocks.pairing import CHOOSE_PAIR_ACTION, parse_choice
from handlers import (
    actions,
    boundaries,
    delete_my_data,
    end,
    export,
    goals,
    importing,
    pair,
    payloads,
    prework,
    program,
    report,
    roadmap,
    wrapup,
)
from handlers.context import Invocation, PairHandler, invocation, run_for_pair
from mentoring.deps import Deps
from mentoring.problems import Problem
from mentoring.text import escape_mrkdwn
from storage.db import session_scope

logger = logging.getLogger(__name__)

#: Longest command text we look at; longer input is refused before any parsing.
MAX_COMMAND_TEXT = 4000

CommandFn = Callable[[Invocation], None]


@dataclass(frozen=True)
class Subcommand:
    usage: str
    summary: str
    run: CommandFn | None = None
    on_pair: PairHandler | None = None

    @property
    def built(self) -> bool:
        return self.run is not None or self.on_pair is not None


#: Every subcommand of the contract, in the order help lists them. ``help`` itself is answered by the router.
SUBCOMMANDS: dict[str, Subcommand] = {
    "help": Subcommand("help", "this list"),
    "pair": Subcommand("pair @mentor @mentee [program]", "pair two people (admins)", run=pair.pair),
    "import": Subcommand("import", "pair many people at once (admins)", run=importing.open_import),
    "prework": Subcommand("prework", "what you want, bring and expect", on_pair=prework.cmd_prework),
    "boundaries": Subcommand("boundaries", "agree how, when and where you meet", on_pair=boundaries.cmd_boundaries),
    "goals": Subcommand("goals", "your pair's SMART goals and progress", on_pair=goals.open_goals),
    "roadmap": Subcommand("roadmap", "a theme for each meeting", on_pair=roadmap.open_roadmap),
    "actions": Subcommand("actions", "your open follow-through items", on_pair=actions.list_actions),
    "wrapup": Subcommand("wrapup", "post the end-of-session questions now", on_pair=wrapup.wrapup),
    "end": Subcommand("end", "end the pairing", run=end.end, on_pair=end.confirm_for_pair),
    "export": Subcommand("export", "download your own data", run=export.export),
    "report": Subcommand(
        "report [program] [from..to]", "program figures and a CSV, one row per pair (admins)", run=report.report
    ),
    "program": Subcommand("program [name]", "create or change a program (admins)", run=program.program),
    "delete-my-data": Subcommand(
        "delete-my-data",
        "remove everything you typed and your name (admins: `@someone` who left)",
        run=delete_my_data.delete_my_data,
    ),
}


class CommandRouter:
    def __init__(self, subcommands: Mapping[str, Subcommand] = SUBCOMMANDS) -> None:
        self.subcommands = dict(subcommands)

    def help_entries(self) -> list[tuple[str, str]]:
        return [(s.usage, s.summary) for name, s in self.subcommands.items() if s.built or name == "help"]

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
        elif subcommand.run is not None:
            subcommand.run(inv)
        elif subcommand.on_pair is not None:
            run_for_pair(inv, name, subcommand.on_pair)
        else:
            inv.reply(f"`/mentor {name}` is not available yet. Try `/mentor help` for what you can do today.")

    def on_pair(self, name: str) -> PairHandler | None:
        subcommand = self.subcommands.get(name)
        return subcommand.on_pair if subcommand is not None else None


ROUTER = CommandRouter()


def mentor(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    """``/mentor <subcommand> [arguments]``."""
    text = payloads.command_text(body)
    if len(text) > MAX_COMMAND_TEXT:
        ack(text="That command is too long. Try `/mentor help`.", response_type="ephemeral")
        return
    name, args = payloads.split_command(text)
    ROUTER.dispatch(invocation(deps, body, client, ack=ack, respond=respond, args=args), name)


def choose_pair(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, *, deps: Deps) -> None:
    """A pair picked from the buttons a member of several pairs is offered: run the subcommand on it."""
    ack()
    inv = invocation(deps, body, client, respond=respond)
    choice = parse_choice(payloads.action_value(body) or "")
    handler = ROUTER.on_pair(choice[0]) if choice else None
    if choice is None or handler is None:
        inv.reply("That choice is no longer valid. Run the command again.")
        return
    _, pair_id, inv.args = choice
    with session_scope(deps.engine) as session:
        chosen = inv.pair(session, pair_id, admins_too=True)
    if isinstance(chosen, Problem):
        inv.problem(chosen)
        return
    handler(inv, chosen)


def register(app: App, deps: Deps) -> None:
    app.command("/mentor")(partial(mentor, deps=deps))
    app.action(CHOOSE_PAIR_ACTION)(partial(choose_pair, deps=deps))
