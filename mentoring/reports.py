"""``/mentor report``: program figures for admins and one CSV row per pair — counts and dates only.

Nothing a member typed (pre-work, goals, answers, items, survey comments) is read into a report:
the rows hold ids, stages, dates and counts. A report covers the whole workspace or one program,
optionally a window of dates (``from..to``, both included, in UTC): pairs that overlap it, and
meetings, check-ins, goals and items that fall in it.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from mentoring.checkins import has_content
from mentoring.meetings import pair_slots
from mentoring.outbox import DELIVERY_ALERT_KIND, reason_in_words, undelivered
from mentoring.problems import Problem
from mentoring.program_status import Attention, PairState, Stage, needing_attention, pair_statuses
from mentoring.ratings import rating_summary
from storage.models import (
    ActionItem,
    ActionStatus,
    CheckIn,
    CheckInAnswer,
    Goal,
    GoalStatus,
    MeetingStatus,
    Pair,
    PairStatus,
    Program,
    SurveyResponse,
)

UNDELIVERED_WITHIN = timedelta(days=7)

# ---- what a report covers ----------------------------------------------------------------------

_RANGE = re.compile(r"(?:^|\s)(\S*\.\.\S*)$")
RANGE_HELP = "Give dates as `YYYY-MM-DD..YYYY-MM-DD`, e.g. `/mentor report 2026-09-01..2026-12-31`."


@dataclass(frozen=True)
class ReportScope:
    """The program (None: every pair of the workspace) and the window of dates (None: no limit)."""

    program: Program | None = None
    start: date | None = None
    end: date | None = None

    def describe(self) -> str:
        parts = [self.program.name if self.program is not None else "All programs"]
        if self.start is not None and self.end is not None:
            parts.append(f"{self.start:%-d %b %Y} – {self.end:%-d %b %Y}")
        return " · ".join(parts)

    @property
    def since(self) -> datetime | None:
        return datetime.combine(self.start, time(0), UTC) if self.start is not None else None

    @property
    def until(self) -> datetime | None:
        """The first instant after the window."""
        return datetime.combine(self.end + timedelta(days=1), time(0), UTC) if self.end is not None else None

    def covers(self, instant: datetime | None) -> bool:
        if instant is None:
            return False
        return (self.since is None or instant >= self.since) and (self.until is None or instant < self.until)

    def covers_day(self, day: date | None) -> bool:
        return day is not None and self.covers(datetime.combine(day, time(0), UTC))


def _parse_range(text: str) -> tuple[date, date] | Problem:
    start_text, _, end_text = text.partition("..")
    try:
        start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
    except ValueError:
        return Problem(f"I couldn't read the dates `{text[:40]}`. {RANGE_HELP}")
    if end < start:
        return Problem(f"The range `{text}` ends before it starts. {RANGE_HELP}")
    return start, end


def find_program(session: Session, *, team_id: str, name: str) -> Program | Problem:
    """The program called ``name`` (any case), or the only one whose name starts with it."""
    programs = list(session.exec(select(Program).where(Program.team_id == team_id).order_by(col(Program.name))))
    wanted = " ".join(name.split()).casefold()
    exact = [p for p in programs if p.name.casefold() == wanted]
    starting = [p for p in programs if p.name.casefold().startswith(wanted)]
    if len(exact) == 1:
        return exact[0]
    if len(starting) == 1:
        return starting[0]
    shown = name if len(name) <= 40 else name[:39] + "…"
    known = ", ".join(f"“{p.name}”" for p in (starting or programs)[:10])
    if len(starting) > 1:
        return Problem(f"“{shown}” matches several programs: {known}. Give more of the name.")
    if not programs:
        return Problem(f"There's no program called “{shown}”: no programs have been created yet.")
    return Problem(f"There's no program called “{shown}”. Programs: {known}.")


def parse_scope(session: Session, *, team_id: str, args: str) -> ReportScope | Problem:
    """``[program] [from..to]`` → what the report covers, or why it can't be read (nothing is reported then)."""
    text = " ".join(args.split())
    start = end = None
    found = _RANGE.search(text)
    if found is not None:
        window = _parse_range(found.group(1))
        if isinstance(window, Problem):
            return window
        start, end = window
        text = text[: found.start()].strip()
    if not text:
        return ReportScope(None, start, end)
    program = find_program(session, team_id=team_id, name=text)
    if isinstance(program, Problem):
        return program
    return ReportScope(program, start, end)


# ---- one row per pair ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PairRow:
    """One pair's figures: ids, stage, dates and counts — never anything a member typed."""

    pair_id: int
    program: str
    mentor_id: str
    mentee_id: str
    status: str
    stage: str
    created_on: date
    accepted_on: date | None
    ended_on: date | None
    meetings_scheduled: int
    meetings_held: int
    meetings_missed: int
    meetings_skipped: int
    checkins: int
    checkin_answers: int
    goals_set: int
    goals_met: int
    items_open: int
    items_done: int
    items_carried: int
    quiet: bool
    survey_score: float | None
    #: Why the pair needs its lead (``program_status.Attention`` codes); empty when it doesn't.
    attention: tuple[str, ...] = ()

    @property
    def answer_rate(self) -> float | None:
        expected = 2 * self.checkins
        return self.checkin_answers / expected if expected else None


CSV_COLUMNS = (
    "program",
    "pair_id",
    "mentor_id",
    "mentee_id",
    "status",
    "stage",
    "created_on",
    "accepted_on",
    "ended_on",
    "meetings_scheduled",
    "meetings_held",
    "meetings_missed",
    "checkin_answer_rate",
    "goals_set",
    "goals_met",
    "items_open",
    "items_done",
    "items_carried",
    "quiet",
    "needs_attention",
    "end_survey_score",
)


def _pair_row(
    session: Session, pair: Pair, scope: ReportScope, *, now: datetime, state: PairState | None, program: str
) -> PairRow:
    pair_id = pair.id or 0
    until = min(x for x in (now, pair.ended_at, scope.until) if x is not None)
    slots = [
        s
        for s in pair_slots(session, pair_id, until=until)
        if s.scheduled_at < until and (scope.since is None or s.scheduled_at >= scope.since)
    ]
    statuses = Counter(s.status for s in slots)
    checkins = [
        c for c in session.exec(select(CheckIn).where(CheckIn.pair_id == pair_id)) if scope.covers(c.created_at)
    ]
    checkin_ids = [c.id for c in checkins]
    answers = (
        sum(
            1
            for a in session.exec(select(CheckInAnswer).where(col(CheckInAnswer.checkin_id).in_(checkin_ids)))
            if has_content(a)
        )
        if checkin_ids
        else 0
    )
    goals = [
        g
        for g in session.exec(select(Goal).where(Goal.pair_id == pair_id))
        if scope.until is None or g.created_at < scope.until
    ]
    items = [
        i
        for i in session.exec(select(ActionItem).where(ActionItem.pair_id == pair_id))
        if scope.covers(i.created_at) or scope.start is None
    ]
    scores = list(session.exec(select(SurveyResponse.usefulness).where(SurveyResponse.pair_id == pair_id)))
    held = statuses.get(MeetingStatus.HELD, 0)
    quiet = state is not None and (
        state.stage == Stage.QUIET or any(r.code == Attention.QUIET for r in state.attention)
    )
    return PairRow(
        pair_id=pair_id,
        program=program,
        mentor_id=pair.mentor_id,
        mentee_id=pair.mentee_id,
        status=pair.status,
        stage=state.stage_words if state is not None else pair.status,
        created_on=pair.created_at.date(),
        accepted_on=pair.accepted_at.date() if pair.accepted_at else None,
        ended_on=pair.ended_at.date() if pair.ended_at else None,
        meetings_scheduled=sum(n for status, n in statuses.items() if status != MeetingStatus.SKIPPED),
        meetings_held=held,
        meetings_missed=statuses.get(MeetingStatus.MISSED, 0),
        meetings_skipped=statuses.get(MeetingStatus.SKIPPED, 0),
        checkins=len(checkins),
        checkin_answers=answers,
        goals_set=len(goals),
        goals_met=sum(
            1
            for g in goals
            if g.status == GoalStatus.DONE
            and (scope.start is None or scope.covers_day(g.completed_on or g.updated_at.date()))
        ),
        items_open=sum(1 for i in items if i.status == ActionStatus.OPEN),
        items_done=sum(1 for i in items if i.status == ActionStatus.DONE),
        items_carried=sum(1 for i in items if i.status == ActionStatus.OPEN and i.carried_over > 0),
        quiet=quiet,
        attention=tuple(r.code for r in state.attention) if state is not None else (),
        survey_score=sum(scores) / len(scores) if scores else None,
    )


def scoped_pairs(session: Session, *, team_id: str, scope: ReportScope) -> list[Pair]:
    """The pairs a report covers: the program's (or all), that existed at some point of the window."""
    query = select(Pair).where(Pair.team_id == team_id).order_by(col(Pair.id))
    if scope.program is not None:
        query = query.where(Pair.program_id == scope.program.id)
    pairs = list(session.exec(query))
    return [
        p
        for p in pairs
        if (scope.until is None or p.created_at < scope.until)
        and (scope.since is None or p.ended_at is None or p.ended_at >= scope.since)
    ]


def _states(session: Session, *, team_id: str, now: datetime, scope: ReportScope) -> list[PairState]:
    program_id = scope.program.id if scope.program is not None else None
    return pair_statuses(session, team_id=team_id, now=now, program_id=program_id)


def pair_rows(
    session: Session,
    *,
    team_id: str,
    now: datetime,
    scope: ReportScope | None = None,
    states: list[PairState] | None = None,
) -> list[PairRow]:
    """One row per pair the report covers (``states``: the pairs' ``program_status``, if already read)."""
    scope = scope or ReportScope()
    pairs = scoped_pairs(session, team_id=team_id, scope=scope)
    by_pair = {
        s.pair.id: s
        for s in (states if states is not None else _states(session, team_id=team_id, now=now, scope=scope))
    }
    names = {p.id: p.name for p in session.exec(select(Program).where(Program.team_id == team_id))}
    return [
        _pair_row(
            session,
            p,
            scope,
            now=now,
            state=by_pair.get(p.id),
            program=names.get(p.program_id, "") if p.program_id else "",
        )
        for p in pairs
    ]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def report_csv(rows: Sequence[PairRow]) -> str:
    """The CSV the lead downloads: a header and one line per pair (counts and dates only)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        rate = row.answer_rate
        writer.writerow(
            _cell(v)
            for v in (
                row.program,
                row.pair_id,
                row.mentor_id,
                row.mentee_id,
                row.status,
                row.stage,
                row.created_on,
                row.accepted_on,
                row.ended_on,
                row.meetings_scheduled,
                row.meetings_held,
                row.meetings_missed,
                f"{rate:.2f}" if rate is not None else None,
                row.goals_set,
                row.goals_met,
                row.items_open,
                row.items_done,
                row.items_carried,
                row.quiet,
                " ".join(row.attention),
                row.survey_score,
            )
        )
    return out.getvalue()


# ---- the program's figures -----------------------------------------------------------------------

#: Averages of private ratings are shown only once this many people have rated, so no one's score shows.
MIN_RATERS = 3


@dataclass(frozen=True)
class ProgramReport:
    pairs_by_status: dict[str, int]
    meetings_held: int
    meetings_skipped: int
    goals_total: int
    goals_met: int
    checkins: int
    checkin_answers: int
    items_open: int
    items_done: int
    #: Pairs that need their lead, each with the reasons in words (``program_status``), live pairs first.
    attention: list[tuple[Pair, tuple[str, ...]]] = field(default_factory=list)
    #: Scheduled posts given up in the last ``UNDELIVERED_WITHIN`` or held back for a while, by reason in words.
    undelivered: dict[str, int] = field(default_factory=dict)
    scope: ReportScope = field(default_factory=ReportScope)
    meetings_scheduled: int = 0
    meetings_missed: int = 0
    items_carried: int = 0
    #: The average private check-in rating (1–5), only when at least ``MIN_RATERS`` people rated.
    rating: float | None = None
    raters: int = 0
    rows: list[PairRow] = field(default_factory=list)

    @property
    def undelivered_total(self) -> int:
        return sum(self.undelivered.values())

    @property
    def answer_rate(self) -> float | None:
        """Share of the answers asked for (two members per check-in) that were given."""
        expected = 2 * self.checkins
        return self.checkin_answers / expected if expected else None


def undelivered_by_reason(session: Session, *, team_id: str, now: datetime) -> dict[str, int]:
    """How many scheduled posts could not be delivered (given up lately, or stuck), by reason in plain words."""
    found = undelivered(
        session,
        team_id=team_id,
        now=now,
        given_up_since=now - UNDELIVERED_WITHIN,
        exclude_kinds=[DELIVERY_ALERT_KIND],
    )
    return dict(Counter(reason_in_words(item.reason) for item in found).most_common())


def program_report(session: Session, *, team_id: str, now: datetime, scope: ReportScope | None = None) -> ProgramReport:
    """The figures of the pairs ``scope`` covers, summed from the same rows the CSV has."""
    scope = scope or ReportScope()
    states = _states(session, team_id=team_id, now=now, scope=scope)
    rows = pair_rows(session, team_id=team_id, now=now, scope=scope, states=states)
    statuses = Counter(r.status for r in rows)
    in_scope = {r.pair_id for r in rows}
    attention = [
        (state.pair, tuple(r.text for r in state.attention))
        for state in needing_attention(states)
        if state.pair.id in in_scope
    ]
    rating, raters = rating_summary(session, [r.pair_id for r in rows], since=scope.since, until=scope.until)
    return ProgramReport(
        pairs_by_status={
            status: statuses.get(status, 0)
            for status in (PairStatus.ACTIVE, PairStatus.PENDING, PairStatus.ENDED, PairStatus.DECLINED)
        },
        meetings_held=sum(r.meetings_held for r in rows),
        meetings_skipped=sum(r.meetings_skipped for r in rows),
        goals_total=sum(r.goals_set for r in rows),
        goals_met=sum(r.goals_met for r in rows),
        checkins=sum(r.checkins for r in rows),
        checkin_answers=sum(r.checkin_answers for r in rows),
        items_open=sum(r.items_open for r in rows),
        items_done=sum(r.items_done for r in rows),
        attention=attention,
        undelivered=undelivered_by_reason(session, team_id=team_id, now=now),
        scope=scope,
        meetings_scheduled=sum(r.meetings_scheduled for r in rows),
        meetings_missed=sum(r.meetings_missed for r in rows),
        items_carried=sum(r.items_carried for r in rows),
        rating=rating if raters >= MIN_RATERS else None,
        raters=raters,
        rows=rows,
    )
