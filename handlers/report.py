"""``/mentor report``: program figures for admins."""

from __future__ import annotations

from blocks.reports import report_blocks, report_text
from handlers.context import Invocation
from mentoring.problems import ADMINS_ONLY
from mentoring.reports import program_report
from storage.db import session_scope


def report(inv: Invocation) -> None:
    if not inv.is_admin:
        inv.problem(ADMINS_ONLY)
        return
    with session_scope(inv.deps.engine) as session:
        figures = program_report(session, team_id=inv.team_id, now=inv.deps.now())
    inv.reply(report_text(figures), report_blocks(figures))
