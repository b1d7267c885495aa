"""Block Kit for ``/mentor import``."""

from __future__ import annotations

from typing import Any

from blocks.common import Block, context, input_block, modal, section, select_element, text_element
from blocks.limits import SELECT_OPTIONS_MAX
from blocks.programs import program_options
from mentoring.importing import MAX_LINES, MAX_TEXT, NO_PROGRAM
from storage.models import Program

IMPORT_CALLBACK = "pair_import"
IMPORT_BLOCK = "lines"
IMPORT_ACTION = "lines_input"
PROGRAM_BLOCK = "program"


def program_block(programs: list[Program], current: Program | None) -> Block:
    """Which program the imported pairs join: the one running today unless the admin picks another."""
    choices = [(NO_PROGRAM, "No program"), *program_options(programs, limit=SELECT_OPTIONS_MAX - 1)]
    initial = str(current.id) if current is not None else NO_PROGRAM
    return input_block(
        PROGRAM_BLOCK,
        "Program",
        select_element("program_input", choices, initial=initial, placeholder="Pick a program"),
        hint="Programs running now or starting later; the one running today is chosen for you.",
    )


def import_modal(programs: list[Program] | None = None, current: Program | None = None) -> dict[str, Any]:
    """The import form; with programs to choose from, a select of them (``current`` chosen)."""
    program_blocks = [program_block(programs, current)] if programs else []
    return modal(
        "Import pairs",
        [
            *program_blocks,
            section("One pair per line: `mentor, mentee`. Each side can be an @mention, a user ID or an e-mail."),
            input_block(
                IMPORT_BLOCK,
                "Pairs",
                text_element(
                    IMPORT_ACTION,
                    max_length=MAX_TEXT,
                    multiline=True,
                    placeholder="maria@example.com, tom@example.com\nU012ABCDEF, U034GHIJKL",
                ),
                hint=f"Up to {MAX_LINES} lines. Pairs that already exist are skipped, never doubled.",
            ),
            context("Each new pair gets a group DM with a welcome and Accept / Decline buttons."),
        ],
        callback_id=IMPORT_CALLBACK,
        submit="Import",
    )


def import_started_view() -> dict[str, Any]:
    return modal(
        "Import pairs",
        [section(":hourglass_flowing_sand: Importing… I'll send you the results in a DM, line by line.")],
        close="Done",
    )
