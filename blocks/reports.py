"""Block Kit for ``/mentor report``."""

from __future__ import annotations

from blocks.common import Block, context, header, section
from mentoring.reports import ProgramReport


def _fields(*pairs: tuple[str, str]) -> Block:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in pairs]}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def undelivered_line(report: ProgramReport) -> str | None:
    """The report line about posts given up in the last week or held back for a while, if any."""
    if not report.undelivered_total:
        return None
    reasons = "; ".join(
        f"{reason}" if len(report.undelivered) == 1 else f"{reason} ({n})" for reason, n in report.undelivered.items()
    )
    return f"{_count(report.undelivered_total, 'post')} could not be delivered: {reasons}."


def report_text(report: ProgramReport) -> str:
    rate = f"{report.answer_rate:.0%}" if report.answer_rate is not None else "n/a"
    p = report.pairs_by_status
    text = (
        f"Program report: {_count(p['active'], 'active pair')}, "
        f"{_count(report.meetings_held, 'meeting')} held, "
        f"{report.goals_met} of {report.goals_total} goals met, check-in answer rate {rate}."
    )
    undelivered = undelivered_line(report)
    return f"{text} {undelivered}" if undelivered else text


def report_blocks(report: ProgramReport) -> list[Block]:
    p = report.pairs_by_status
    rate = f"{report.answer_rate:.0%}" if report.answer_rate is not None else "n/a (no check-ins yet)"
    blocks: list[Block] = [
        header("Mentoring program report"),
        _fields(
            (
                "Pairs",
                f"{p['active']} active · {p['pending']} waiting to accept · {p['ended']} ended · "
                f"{p['declined']} declined",
            ),
            ("Meetings held", f"{report.meetings_held} ({report.meetings_skipped} skipped)"),
            ("Goals met", f"{report.goals_met} of {report.goals_total}"),
            ("Check-in answer rate", f"{rate} ({report.checkin_answers} of {2 * report.checkins} answers)"),
            ("Follow-through", f"{report.items_done} done · {report.items_open} open"),
        ),
    ]
    if report.inactive:
        names = "\n".join(f"• <@{pair.mentor_id}> → <@{pair.mentee_id}>" for pair in report.inactive[:40])
        blocks.append(section(f":warning: *Quiet pairs* (three meetings with none held and no answers):\n{names}"))
    else:
        blocks.append(section(":white_check_mark: No quiet pairs: every active pair met or checked in recently."))
    undelivered = undelivered_line(report)
    if undelivered:
        blocks.append(section(f":warning: *Scheduled posts:* {undelivered}"))
    blocks.append(context("Counts only: goals, pre-work and answers stay private to each pair."))
    return blocks
