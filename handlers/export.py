"""``/mentor export``: the caller's own data as a JSON file, sent in a direct message."""

from __future__ import annotations

from handlers.context import Invocation
from mentoring.export import export_json, export_user_data
from slackapi.conversations import open_group_dm
from storage.db import session_scope


def export(inv: Invocation) -> None:
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
