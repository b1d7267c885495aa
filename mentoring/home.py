"""What the App Home shows: a member's pairs (next meeting, goals, open items); an admin also the program, paged.

Also the lead's nudge of a stalled pair (planned here, posted through the outbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from mentoring.boundaries import agreed_boundaries
from mentoring.contact_hours import next_allowed_or_fallback, pair_dm_windows
from mentoring.goals import active_goals
from mentoring.meetings import meeting_dates
from mentoring.outbox import PlannedPost
from mentoring.pairs import pairs_of
from mentoring.problems import Problem
from mentoring.program_status import (
    PairState,
    ProgramCounts,
    Stage,
    needing_attention,
    pair_statuses,
    program_counts,
)
from mentoring.programs import program_in_team, programs_of
from storage.models import ActionItem, ActionStatus, Pair, PairStatus

UPCOMING_LOOKAHEAD = 60  # meetings of the series looked at to find the next one


@dataclass(frozen=True)
class PairSummary:
    pair: Pair
    role: str
    next_meeting: datetime | None
    active_goals: int
    my_open_items: int


def home_summary(session: Session, *, team_id: str, user_id: str, now: datetime) -> list[PairSummary]:
    summaries = []
    for pair in pairs_of(session, team_id=team_id, user_id=user_id, statuses=PairStatus.LIVE):
        pid = pair.id or 0
        upcoming = [when for when in meeting_dates(session, pid, UPCOMING_LOOKAHEAD).values() if when > now]
        open_items = session.exec(
            select(func.count())
            .select_from(ActionItem)
            .where(ActionItem.pair_id == pid, ActionItem.owner_id == user_id, ActionItem.status == ActionStatus.OPEN)
        ).one()
        summaries.append(
            PairSummary(
                pair=pair,
                role=pair.role_of(user_id) or "",
                next_meeting=min(upcoming) if upcoming else None,
                active_goals=len(active_goals(session, pid)),
                my_open_items=int(open_items),
            )
        )
    return summaries


# ---- the program, for its admins ----------------------------------------------------------------------

#: Pairs on one page of the lead's Home (two blocks each, well inside Slack's 100 blocks per view).
PROGRAM_PAGE_SIZE = 20
#: The lead's nudge is posted at most once a day per pair (its delivery key carries the date).
LEAD_NUDGE_KIND = "lead_nudge"


class HomeFilter:
    ALL = "all"
    ATTENTION = "attention"
    CHOICES = (ALL, ATTENTION)


@dataclass(frozen=True)
class ProgramPage:
    """One page of the program as the lead's Home shows it."""

    counts: ProgramCounts
    states: list[PairState]  # this page's pairs
    filter: str
    page: int  # 0-based, within range
    pages: int  # at least 1
    matching: int  # pairs the filter lets through
    program_id: int | None = None  # the program shown (None: every pair of the workspace)
    programs: tuple[tuple[int, str], ...] = ()  # the workspace's programs to choose from (id, name)


def program_page(
    session: Session,
    *,
    team_id: str,
    now: datetime,
    filter: str = HomeFilter.ALL,
    page: int = 0,
    program_id: object = None,
) -> ProgramPage:
    """The counts and one page of the pairs (``filter``: all, or needing attention) of the workspace or one program.

    ``program_id`` comes from a press: one not of this workspace shows every pair.
    """
    program = program_in_team(session, team_id, program_id) if program_id is not None else None
    shown_program = program.id if program is not None else None
    states = pair_statuses(session, team_id=team_id, now=now, program_id=shown_program)
    filter = filter if filter in HomeFilter.CHOICES else HomeFilter.ALL
    shown = needing_attention(states) if filter == HomeFilter.ATTENTION else states
    pages = max(1, -(-len(shown) // PROGRAM_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    start = page * PROGRAM_PAGE_SIZE
    return ProgramPage(
        counts=program_counts(states),
        states=shown[start : start + PROGRAM_PAGE_SIZE],
        filter=filter,
        page=page,
        pages=pages,
        matching=len(shown),
        program_id=shown_program,
        programs=tuple((p.id, p.name) for p in programs_of(session, team_id) if p.id is not None),
    )


_NEXT_STEP = {
    Stage.INVITED: "when you're both ready, press *Accept* on the welcome message above",
    Stage.ACCEPTED: "a good first step is your pre-work: `/mentor prework` takes about ten minutes",
    Stage.PREWORK: "a good next step is finishing your pre-work (`/mentor prework`) — it helps you both prepare",
    Stage.BOUNDARIES: "a good next step is agreeing how you'll meet: `/mentor boundaries`",
    Stage.GOALS: "a good next step is setting a goal or two together: `/mentor goals`",
    Stage.MEETINGS: "if you met, `/mentor wrapup` keeps track of what you talked about",
    Stage.QUIET: (
        "if you met, `/mentor wrapup` keeps track of what you talked about; if the rhythm no longer fits, "
        "`/mentor boundaries` lets you change it"
    ),
}


def lead_nudge_text(state: PairState, lead: str) -> str:
    pair = state.pair
    step = _NEXT_STEP.get(state.stage, "")
    return (
        f":wave: <@{pair.mentee_id}> <@{pair.mentor_id}>, <@{lead}> (your program lead) is checking in to see how "
        f"your mentoring is going. No pressure — {step}. If something is in the way, just reply to <@{lead}>."
    )


@dataclass(frozen=True)
class LeadNudge:
    pair: Pair
    post: PlannedPost


def plan_lead_nudge(
    session: Session, *, team_id: str, pair_id: object, lead: str, now: datetime
) -> LeadNudge | Problem:
    """The lead's friendly nudge into a live pair's DM, keyed by pair and day (so at most once a day)."""
    try:
        pid = int(str(pair_id))
    except ValueError:
        pid = -1
    found = pair_statuses(session, team_id=team_id, now=now, pair_id=pid)
    if not found:
        return Problem("I couldn't find that pair. It may have been removed.")
    state = found[0]
    pair = state.pair
    if not state.live:
        return Problem(
            f"The pairing of <@{pair.mentor_id}> and <@{pair.mentee_id}> has ended; there's no one to nudge."
        )
    if not pair.channel_id:
        return Problem(f"<@{pair.mentor_id}> and <@{pair.mentee_id}> have no pair DM yet, so I can't nudge them.")
    boundaries = agreed_boundaries(session, pid)
    not_before = next_allowed_or_fallback(now, pair_dm_windows(boundaries, now)) if boundaries else now
    text = lead_nudge_text(state, lead)
    return LeadNudge(
        pair,
        PlannedPost.to_pair_dm(
            pair,
            key=f"{LEAD_NUDGE_KIND}:{pid}:{now.astimezone(UTC):%Y-%m-%d}",
            kind=LEAD_NUDGE_KIND,
            text=text,
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
            not_before=not_before,
        ),
    )
