"""Block Kit for ``/mentor report``: the program's figures for the admin who asked (counts only)."""

from __future__ import annotations

from blocks.common import Block, context, header, section
from blocks.limits import clip
from mentoring.reports import MIN_RATERS, ProgramReport

#: Pairs listed by name in the report message; the rest are counted (the CSV has them all).
LISTED_PAIRS_MAX = 40


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
        f"Program report ({report.scope.describe()}): {_count(p['active'], 'active pair')}, "
        f"{_count(report.meetings_held, 'meeting')} held, "
        f"{report.goals_met} of {report.goals_total} goals met, check-in answer rate {rate}."
    )
    undelivered = undelivered_line(report)
    return f"{text} {undelivered}" if undelivered else text


def _rating(report: ProgramReport) -> str:
    if report.rating is not None:
        people = "1 person" if report.raters == 1 else f"{report.raters} people"
        return f"{report.rating:.1f} of 5 (from {people})"
    return f"shown once {MIN_RATERS} people have rated"


def report_blocks(report: ProgramReport, *, with_csv: bool = True) -> list[Block]:
    p = report.pairs_by_status
    rate = f"{report.answer_rate:.0%}" if report.answer_rate is not None else "n/a (no check-ins yet)"
    blocks: list[Block] = [
        header("Mentoring program report"),
        context(f"*{clip(report.scope.describe(), 200)}*"),
        _fields(
            (
                "Pairs",
                f"{p['active']} active · {p['pending']} waiting to accept · {p['ended']} ended · "
                f"{p['declined']} declined",
            ),
            (
                "Meetings held",
                f"{report.meetings_held} of {report.meetings_scheduled} scheduled "
                f"({report.meetings_missed} missed · {report.meetings_skipped} skipped)",
            ),
            ("Goals met", f"{report.goals_met} of {report.goals_total}"),
            ("Check-in answer rate", f"{rate} ({report.checkin_answers} of {2 * report.checkins} answers)"),
            (
                "Follow-through",
                f"{report.items_done} done · {report.items_open} open ({report.items_carried} carried over)",
            ),
            ("How useful were the conversations", _rating(report)),
        ),
    ]
    if report.attention:
        shown = report.attention[:LISTED_PAIRS_MAX]
        lines = "\n".join(f"• <@{pair.mentor_id}> → <@{pair.mentee_id}>: {'; '.join(why)}" for pair, why in shown)
        more = len(report.attention) - len(shown)
        if more:
            lines += f"\n…and {more} more (see the CSV)"
        verb = "needs" if len(report.attention) == 1 else "need"
        title = f":warning: *{_count(len(report.attention), 'pair')} {verb} attention*"
        blocks.append(section(clip(f"{title}\n{lines}", 3000)))
    else:
        blocks.append(section(":white_check_mark: No pairs need attention right now."))
    undelivered = undelivered_line(report)
    if undelivered:
        blocks.append(section(f":warning: *Scheduled posts:* {undelivered}"))
    note = "Counts only: goals, pre-work and answers stay private to each pair."
    if with_csv and report.rows:
        note += f" The CSV with one row per pair ({len(report.rows)}) is in your direct message with me."
    blocks.append(context(note))
    return blocks
