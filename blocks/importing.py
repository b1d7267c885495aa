"""Block Kit for ``/mentor import``."""

from __future__ import annotations

from typing import Any

from blocks.common import context, input_block, modal, section, text_element
from mentoring.importing import MAX_LINES, MAX_TEXT

IMPORT_CALLBACK = "pair_import"
IMPORT_BLOCK = "lines"
IMPORT_ACTION = "lines_input"


def import_modal() -> dict[str, Any]:
    return modal(
        "Import pairs",
        [
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
