"""The end-of-session questions: the method's four, verbatim, and which conversation they are about."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from blocks.checkins import checkin_brief_message, questions_intro
from mentoring.checkins import QUESTIONS, CheckInBrief, conversation_words
from storage.models import Pair
from tests.support.sessions import METHOD_QUESTIONS

THURSDAY_4PM_IN_BERLIN = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def test_the_four_questions_are_the_methods_words_in_order() -> None:
    assert tuple(QUESTIONS.values()) == METHOD_QUESTIONS


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 12, 3, 16, 10, tzinfo=UTC), "your conversation today"),
        (datetime(2026, 12, 3, 22, 59, tzinfo=UTC), "your conversation today"),  # 23:59 in Berlin
        (datetime(2026, 12, 3, 23, 1, tzinfo=UTC), "Thursday's conversation"),  # past midnight in Berlin
        (datetime(2026, 12, 4, 12, 0, tzinfo=UTC), "Thursday's conversation"),
        (datetime(2026, 12, 9, 12, 0, tzinfo=UTC), "Thursday's conversation"),  # six days later
        (datetime(2026, 12, 10, 12, 0, tzinfo=UTC), "your conversation on Thu 3 Dec"),
    ],
)
def test_the_questions_say_which_conversation_as_seen_when_they_arrive(now: datetime, expected: str) -> None:
    assert conversation_words(THURSDAY_4PM_IN_BERLIN, now, "Europe/Berlin") == expected


def test_the_day_is_read_in_the_pairs_zone() -> None:
    late_thursday_in_new_york = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # Thursday 22:00 in New York
    meeting = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)
    assert conversation_words(meeting, late_thursday_in_new_york, "America/New_York") == "your conversation today"
    assert conversation_words(meeting, late_thursday_in_new_york, "Europe/Berlin") == "Thursday's conversation"


def test_an_off_schedule_wrapup_is_about_today_and_a_bad_zone_reads_as_utc() -> None:
    assert conversation_words(None, THURSDAY_4PM_IN_BERLIN, "Europe/Berlin") == "your conversation today"
    assert conversation_words(THURSDAY_4PM_IN_BERLIN, THURSDAY_4PM_IN_BERLIN, "Not/AZone") == "your conversation today"


def test_the_intro_counts_what_it_lists() -> None:
    assert questions_intro("Thursday's conversation", 4) == "Four questions about Thursday's conversation (meeting 4)"
    assert questions_intro("your conversation today", None) == "Four questions about your conversation today"


def test_the_post_lists_the_four_questions_verbatim_and_marks_the_fourth_optional() -> None:
    pair = Pair(
        id=1,
        team_id="T1",
        mentor_id="U0MENTOR",
        mentee_id="U0MENTEE",
        created_by="U0ADMIN",
        created_at=THURSDAY_4PM_IN_BERLIN,
    )
    brief = CheckInBrief(
        checkin_id=7,
        number=5,
        meeting_at=THURSDAY_4PM_IN_BERLIN,
        about="Thursday's conversation",
        items={pair.mentee_id: [], pair.mentor_id: []},
        answered=set(),
        meeting_id=3,
    )
    text, blocks = checkin_brief_message(pair=pair, brief=brief, now=THURSDAY_4PM_IN_BERLIN)
    shown = str(blocks)
    for question in METHOD_QUESTIONS:
        assert question in text and question in shown
    assert text.startswith("Four questions about Thursday's conversation (meeting 5)")
    assert "— four questions about Thursday's conversation (meeting 5):" in shown
    assert "three" not in shown.lower() and "_(optional)_" in shown
    assert "Still open" not in shown  # nothing open: no empty list
    labels = [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["Answer", "We didn't meet"]
