"""The end-of-program survey: how useful it was (1–5), goals met, whether to continue, one line of text.

Each member answers for themselves and may change their answers until the survey window closes.
The free-text line is private to the pair unless the member ticks *share with the program lead*.
Both members answering *yes* to continuing keeps the pair active beyond its program.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from mentoring.contact_hours import Window, next_allowed_or_fallback
from mentoring.outbox import PlannedPost, enqueue
from mentoring.problems import Problem
from mentoring.programs import SURVEY_WINDOW, closing_key
from mentoring.users import cached_user, valid_tz
from storage.models import Outbox, Pair, Program, SurveyResponse

COMMENT_MAX = 300
USEFULNESS = ("1", "2", "3", "4", "5")
GOALS_MET = ("yes", "partly", "no")
CONTINUE = ("yes", "no")
#: The form's fields (also the modal's block ids).
USEFUL, GOALS, CONTINUE_CHOICE, COMMENT, SHARE = "usefulness", "goals_met", "continue_choice", "comment", "share"
FIELDS = (USEFUL, GOALS, CONTINUE_CHOICE, COMMENT)

FieldErrors = dict[str, str]


@dataclass(frozen=True)
class SurveyIn:
    usefulness: int
    goals_met: str
    continue_choice: str
    comment: str
    share_with_lead: bool


def validate_survey(raw: Mapping[str, str | None], *, share: bool) -> SurveyIn | FieldErrors:
    """The answers, or an error for each question left out or out of range."""
    errors: FieldErrors = {}
    usefulness, goals, keep_on = raw.get(USEFUL), raw.get(GOALS), raw.get(CONTINUE_CHOICE)
    if usefulness not in USEFULNESS:
        errors[USEFUL] = "Pick how useful the program was, from 1 to 5."
    if goals not in GOALS_MET:
        errors[GOALS] = "Pick yes, partly or no."
    if keep_on not in CONTINUE:
        errors[CONTINUE_CHOICE] = "Pick yes or no."
    comment = " ".join((raw.get(COMMENT) or "").split())
    if len(comment) > COMMENT_MAX:
        errors[COMMENT] = f"Keep it to one line of {COMMENT_MAX} characters or fewer (it has {len(comment)})."
    if errors or usefulness is None or goals is None or keep_on is None:
        return errors
    return SurveyIn(int(usefulness), goals, keep_on, comment, share and bool(comment))


def closing_sent_at(session: Session, pair: Pair) -> datetime | None:
    """When the pair's closing message was planned (the survey window counts from it), or None."""
    program = session.get(Program, pair.program_id) if pair.program_id is not None else None
    if program is None or pair.id is None:
        return None
    row = session.exec(select(Outbox).where(Outbox.delivery_key == closing_key(program, pair.id))).first()
    return row.created_at if row is not None else None


def survey_closes_at(session: Session, pair: Pair) -> datetime | None:
    sent = closing_sent_at(session, pair)
    return sent + SURVEY_WINDOW if sent is not None else None


def survey_open(session: Session, pair: Pair, now: datetime) -> Program | Problem:
    """The pair's ended program, while its survey can be answered; else why not."""
    program = session.get(Program, pair.program_id) if pair.program_id is not None else None
    closes = survey_closes_at(session, pair)
    if program is None or closes is None:
        return Problem("There's no end-of-program survey for this pair yet: it opens when the program ends.")
    if now >= closes:
        return Problem("The end-of-program survey has closed. Thank you all the same!")
    return program


def responses(session: Session, pair_id: int) -> list[SurveyResponse]:
    return list(
        session.exec(select(SurveyResponse).where(SurveyResponse.pair_id == pair_id).order_by(col(SurveyResponse.id)))
    )


def response_of(session: Session, pair_id: int, user_id: str) -> SurveyResponse | None:
    return session.exec(
        select(SurveyResponse).where(SurveyResponse.pair_id == pair_id, SurveyResponse.user_id == user_id)
    ).first()


def save_response(session: Session, *, pair: Pair, user_id: str, data: SurveyIn, now: datetime) -> SurveyResponse:
    """Record (or replace) the member's answers."""
    assert pair.id is not None
    row = response_of(session, pair.id, user_id) or SurveyResponse(
        team_id=pair.team_id,
        pair_id=pair.id,
        program_id=pair.program_id,
        user_id=user_id,
        usefulness=0,
        goals_met="",
        continue_choice="",
        answered_at=now,
    )
    row.usefulness, row.goals_met, row.continue_choice = data.usefulness, data.goals_met, data.continue_choice
    row.comment, row.share_with_lead, row.answered_at = data.comment, data.share_with_lead, now
    session.add(row)
    session.flush()
    return row


def both_continue(session: Session, pair: Pair) -> bool:
    """Both members chose to keep meeting after the program."""
    if pair.id is None:
        return False
    chosen = {r.user_id for r in responses(session, pair.id) if r.continue_choice == "yes"}
    return set(pair.members()) <= chosen


#: Daytime in the lead's own zone, when a shared comment may reach them.
LEAD_HOURS = ("09:00", "18:00")
SHARED_KIND = "survey_shared"


def share_with_lead(
    session: Session, *, response: SurveyResponse, program: Program, text: str, now: datetime, default_tz: str
) -> bool:
    """Send a comment the member chose to share to the program's lead (who created it), through the
    outbox inside the lead's daytime; once per version of the answers. True when it was newly planned."""
    if not (response.share_with_lead and response.comment) or response.id is None:
        return False
    lead = program.created_by
    cached = cached_user(session, team_id=program.team_id, user_id=lead)
    tz = (valid_tz(cached.tz) if cached else None) or default_tz
    post = PlannedPost.to_person(
        lead,
        team_id=program.team_id,
        key=f"survey-shared:{response.id}:{int(response.answered_at.timestamp())}",
        kind=SHARED_KIND,
        text=text,
        not_before=next_allowed_or_fallback(now, (Window.parse(*LEAD_HOURS, tz),)),
    )
    return enqueue(session, [post], now=now) == 1
