"""A program from creation through its end date, as the lead and two pairs live it: the form (with its
errors), pairs joining it by default, the closing message posted once at the end date inside contact
hours, the survey answered (errors shown in the modal), one pair continuing and one ended gently
after the survey window."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import select

from blocks.programs import SURVEY_ACTION
from mentoring.programs import NAME
from storage.db import session_scope
from storage.models import Outbox, Pair, PairStatus, Program, SurveyResponse
from tests.conftest import ADMIN, MENTEE, MENTOR, RunningBot
from tests.support.sessions import private_posts_of
from tests.support.slack_user import (
    SECOND_MENTEE,
    all_pairs,
    open_modal,
    opened_view,
    pair_via_command,
    press_in_message,
    started,
    submit,
    tick_at,
)

PROGRAM = "Spring 2027 engineering mentoring"
CLOSING = "has come to its end"


def closing_posts(bot: RunningBot, pair: Pair) -> list[dict[str, Any]]:
    return [m for m in bot.fake.messages(pair.channel_id or "") if CLOSING in m["text"]]


def open_survey(bot: RunningBot, pair: Pair, user: str) -> dict[str, Any]:
    (closing,) = closing_posts(bot, pair)
    before = len(bot.fake.calls("views.open"))
    press_in_message(bot, user, SURVEY_ACTION, str(pair.id), channel=pair.channel_id or "", ts=closing["ts"])
    return opened_view(bot, before)


def answer(bot: RunningBot, pair: Pair, user: str, **inputs: Any) -> None:
    view = open_survey(bot, pair, user)
    assert submit(bot, user, view, inputs) is None  # a plain ack closes the modal

    def saved(_: object) -> SurveyResponse | None:
        with session_scope(bot.engine) as session:
            return session.exec(
                select(SurveyResponse).where(SurveyResponse.pair_id == pair.id, SurveyResponse.user_id == user)
            ).first()

    bot.fake.wait_for(saved)
    bot.fake.wait_for(
        lambda f: any(f"<@{user}> answered the closing survey" in p["text"] for p in f.posts(pair.channel_id))
    )


def stored_pair(bot: RunningBot, pair: Pair) -> Pair:
    return next(p for p in all_pairs(bot) if p.id == pair.id)


def test_a_program_from_creation_through_its_end_date(bot: RunningBot) -> None:
    # The lead creates the program; the form's mistakes are shown on their fields first.
    view = open_modal(bot, ADMIN, "C0001", command="program")
    wrong = submit(bot, ADMIN, view, {"name": "", "starts_on": "2026-11-01", "ends_on": "2026-10-01"})
    assert wrong["response_action"] == "errors"
    assert set(wrong["errors"]) == {NAME, "ends_on"} and "after the start" in wrong["errors"]["ends_on"]
    done = submit(bot, ADMIN, view, {"name": PROGRAM, "starts_on": "2026-11-01", "ends_on": "2026-12-15"})
    assert done["response_action"] == "update"
    shown = str(done["view"]["blocks"])
    assert PROGRAM in shown and "running now" in shown
    with session_scope(bot.engine) as session:
        (program,) = session.exec(select(Program)).all()

    # Pairs made today join it without naming it.
    bot.fake.add_user(SECOND_MENTEE)
    continuing = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    ending = started(bot, pair_via_command(bot, MENTOR, SECOND_MENTEE))
    assert {p.program_id for p in all_pairs(bot)} == {program.id}

    # Nothing before the end date, nothing at night on it; then one closing message per pair, in the daytime
    # both members share in their Slack zones (Berlin and New York: 14:00-17:00 UTC).
    tick_at(bot, datetime(2026, 12, 14, 12, 0, tzinfo=UTC))
    tick_at(bot, datetime(2026, 12, 15, 6, 0, tzinfo=UTC))
    assert closing_posts(bot, continuing) == [] and closing_posts(bot, ending) == []
    tick_at(bot, datetime(2026, 12, 15, 14, 30, tzinfo=UTC))
    tick_at(bot, datetime(2026, 12, 15, 15, 0, tzinfo=UTC))
    for pair in (continuing, ending):
        (closing,) = closing_posts(bot, pair)
        assert PROGRAM in closing["text"] and "Tue 29 Dec 2026" in closing["text"]
        assert SURVEY_ACTION in str(closing["blocks"])

    # The survey: a mistake is shown in the modal and nothing is kept.
    view = open_survey(bot, continuing, MENTEE)
    errors = submit(bot, MENTEE, view, {"goals_met": "yes", "continue_choice": "yes", "comment": "x" * 301})
    assert errors["response_action"] == "errors" and set(errors["errors"]) == {"usefulness", "comment"}
    bot.settle()
    with session_scope(bot.engine) as session:
        assert session.exec(select(SurveyResponse)).all() == []

    # Both members of one pair choose to continue; in the other, the mentee would rather wrap up.
    answer(
        bot,
        continuing,
        MENTEE,
        usefulness="5",
        goals_met="yes",
        continue_choice="yes",
        comment="Loved it",
        share=["share"],
    )
    answer(bot, continuing, MENTOR, usefulness="4", goals_met="partly", continue_choice="yes")
    bot.fake.wait_for(lambda f: any("You both chose to continue" in p["text"] for p in f.posts(continuing.channel_id)))
    answer(bot, ending, MENTOR, usefulness="4", goals_met="yes", continue_choice="yes")
    answer(bot, ending, SECOND_MENTEE, usefulness="3", goals_met="partly", continue_choice="no")
    assert not any("You both chose to continue" in p["text"] for p in bot.fake.posts(ending.channel_id))
    bot.fake.wait_for(
        lambda f: any("close this pairing on Tue 29 Dec 2026" in p["text"] for p in f.posts(ending.channel_id))
    )
    with session_scope(bot.engine) as session:
        rows: dict[tuple[int | None, str], SurveyResponse] = {
            (r.pair_id, r.user_id): r for r in session.exec(select(SurveyResponse))
        }
    assert rows[(continuing.id, MENTEE)].share_with_lead and rows[(continuing.id, MENTEE)].comment == "Loved it"
    assert rows[(continuing.id, MENTOR)].usefulness == 4 and not rows[(continuing.id, MENTOR)].share_with_lead
    assert rows[(ending.id, SECOND_MENTEE)].continue_choice == "no"

    # The one comment shared with the lead reaches them, in their DM with the bot, once.
    tick_at(bot, datetime(2026, 12, 15, 15, 30, tzinfo=UTC))
    tick_at(bot, datetime(2026, 12, 15, 16, 0, tzinfo=UTC))
    (shared,) = private_posts_of(bot.fake, ADMIN, "survey-shared:")
    assert "Loved it" in shared["text"] and PROGRAM in shared["text"] and f"<@{MENTEE}>" in shared["text"]

    # The survey window closes 14 days after the closing message: the pair not continuing is ended gently.
    tick_at(bot, datetime(2026, 12, 29, 14, 0, tzinfo=UTC))
    assert stored_pair(bot, ending).status == PairStatus.ACTIVE
    tick_at(bot, datetime(2026, 12, 29, 15, 0, tzinfo=UTC))
    tick_at(bot, datetime(2026, 12, 30, 15, 0, tzinfo=UTC))
    assert stored_pair(bot, ending).status == PairStatus.ENDED
    farewells = [p for p in bot.fake.posts(ending.channel_id) if "closing this pairing" in p["text"]]
    assert len(farewells) == 1 and PROGRAM in farewells[0]["text"]
    assert stored_pair(bot, continuing).status == PairStatus.ACTIVE
    assert stored_pair(bot, continuing).program_id == program.id  # still counted in its program
    assert not any("closing this pairing" in p["text"] for p in bot.fake.posts(continuing.channel_id))
    with session_scope(bot.engine) as session:
        kinds = sorted(r.kind for r in session.exec(select(Outbox)) if r.kind.startswith("program"))
    assert kinds == ["program_close", "program_end", "program_end"]

    # Once closed, the survey can no longer be changed.
    (closing,) = closing_posts(bot, continuing)
    before = len(bot.fake.responses())
    press_in_message(
        bot, MENTEE, SURVEY_ACTION, str(continuing.id), channel=continuing.channel_id or "", ts=closing["ts"]
    )
    assert "survey has closed" in bot.fake.wait_for_responses(before + 1)[before]["text"]
    assert date(2026, 12, 29) < bot.deps.now().date()
