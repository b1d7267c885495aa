"""``/mentor export`` (your own data as a file) and ``/mentor report`` (program figures for admins)."""

from __future__ import annotations

import logging

from slack_bolt import App

from blocks.reports import report_blocks, report_text
from handlers.context import Invocation
from mentoring.deps import Deps
from mentoring.export import export_json, export_user_data
from mentoring.problems import ADMINS_ONLY
from mentoring.reports import program_report
from slackapi.conversations import open_group_dm
from storage.db import session_scope

logger = logging.getLogger(__name__)


def cmd_export(inv: Invocation) -> None:
    now = inv.deps.now()
    with session_scope(inv.deps.engine) as session:
        data = export_user_data(session, team_id=inv.team_id, user_id=inv.user_id, now=now)
    if not data["pairs"]:
        inv.reply("There's nothing to export: you haven't been part of a mentoring pair yet.")
        return
    inv.reply(":package: Preparing your export — I'll send it to you in a direct message.")
    channel = open_group_dm(inv.client, (inv.user_id,))
    inv.client.files_upload_v2(
        channel=channel,
        content=export_json(data),
        filename=f"mentor-bot-export-{now:%Y-%m-%d}.json",
        title="Your mentor-bot data",
        initial_comment="Here is everything mentor-bot keeps about you and your mentoring pairs.",
    )


def cmd_report(inv: Invocation) -> None:
    if not inv.is_admin:
        inv.problem(ADMINS_ONLY)
        return
    with session_scope(inv.deps.engine) as session:
        report = program_report(session, team_id=inv.team_id, now=inv.deps.now())
    inv.reply(report_text(report), report_blocks(report))


COMMANDS = {"export": cmd_export, "report": cmd_report}


def register(app: App, deps: Deps) -> None:
    """Commands only; nothing else to register."""
