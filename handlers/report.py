"""``/mentor report [program] [from..to]``: program figures for admins, and a CSV (one row per pair) in their DM."""

from __future__ import annotations

from blocks.reports import report_blocks, report_text
from handlers.context import Invocation
from mentoring.problems import ADMINS_ONLY, Problem
from mentoring.reports import parse_scope, program_report, report_csv
from slackapi.conversations import open_group_dm
from storage.db import session_scope


def report(inv: Invocation) -> None:
    if not inv.is_admin:
        inv.problem(ADMINS_ONLY)
        return
    now = inv.deps.now()
    with session_scope(inv.deps.engine) as session:
        scope = parse_scope(session, team_id=inv.team_id, args=inv.args)
        if isinstance(scope, Problem):
            inv.problem(scope)
            return
        figures = program_report(session, team_id=inv.team_id, now=now, scope=scope)
    inv.reply(report_text(figures), report_blocks(figures))
    if not figures.rows:
        return
    slug = "all-programs" if scope.program is None else f"program-{scope.program.id}"
    channel = open_group_dm(inv.client, (inv.user_id,))
    inv.client.files_upload_v2(
        channel=channel,
        content=report_csv(figures.rows),
        filename=f"mentor-report-{slug}-{now:%Y-%m-%d}.csv",
        title=f"Mentoring report: {scope.describe()}",
        initial_comment=(
            f"The mentoring report for {scope.describe()}: one row per pair ({len(figures.rows)}), "
            "counts and dates only."
        ),
    )
