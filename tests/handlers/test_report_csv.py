"""``/mentor report [program] [from..to]``: the admin's summary, and a CSV in their DM with counts and dates only."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from storage.db import session_scope
from storage.models import MeetingStatus, Pair, PairStatus
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support.sessions import new_pair_id, utc
from tests.support.typed_text import add_meetings, add_program, put_in_program, seed_member_text

MARKER = "ZQX-TYPED-MARKER"
SPRING = "Spring 2027 engineering mentoring"


@pytest.fixture
def program(bot: RunningBot) -> dict[str, int]:
    """Two programs: Spring (an active pair that met, a pending invitation) and Autumn (one quiet new pair)."""
    spring = add_program(
        bot.engine, SPRING, starts_on=date(2026, 11, 1), ends_on=date(2027, 5, 31), by=ADMIN, now=utc(2026, 10, 1)
    )
    autumn = add_program(
        bot.engine, "Autumn 2026", starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 31), by=ADMIN, now=utc(2026, 8, 1)
    )
    met = new_pair_id(bot.engine, mentor=MENTOR, mentee=MENTEE, channel_id="G0MET")
    invited = new_pair_id(
        bot.engine, mentor=OTHER, mentee=MENTEE, channel_id="G0INV", status=PairStatus.PENDING, accepted=False
    )
    other = new_pair_id(bot.engine, mentor=MENTOR, mentee=OTHER, channel_id="G0AUT")
    for pair_id, program_id in ((met, spring), (invited, spring), (other, autumn)):
        put_in_program(bot.engine, pair_id, program_id)
    add_meetings(bot.engine, met, utc(2026, 11, 5, 10), [MeetingStatus.HELD, MeetingStatus.HELD, MeetingStatus.MISSED])
    for member in (
        MENTOR,
        MENTEE,
    ):  # each answers one check-in (of two asked each time), sets a goal, keeps an item open
        seed_member_text(bot.engine, met, member, MARKER, at=utc(2026, 11, 20, 12))
    bot.deps.clock.set(utc(2026, 11, 28, 12, 0))
    return {"met": met, "invited": invited, "other": other}


def _csv(bot: RunningBot) -> tuple[str, list[dict[str, str]]]:
    (complete,) = bot.fake.wait_for_calls("files.completeUploadExternal")
    assert complete.args["channel_id"].startswith("D")  # the admin's DM with the bot, not a shared channel
    assert [c.args.get("users") for c in bot.fake.calls("conversations.open")] == [ADMIN]
    (content,) = bot.fake.state.uploads.values()
    text = content.decode()
    return text, list(csv.DictReader(io.StringIO(text)))


def test_report_of_one_program_answers_with_its_figures_and_uploads_one_row_per_pair(
    bot: RunningBot, program: dict[str, int]
) -> None:
    body = bot.slack.command("report Spring 2027", user_id=ADMIN).json()
    rendered = body["text"] + str(body["blocks"])
    assert body["response_type"] == "ephemeral"
    assert SPRING in rendered
    assert "1 active pair," in body["text"] and "2 meetings held" in body["text"]
    assert "2 of 2 goals met" in body["text"] and "answer rate 50%" in body["text"]
    assert "2 of 3 scheduled (1 missed · 0 skipped)" in rendered
    assert "0 done · 2 open (2 carried over)" in rendered
    assert "shown once 3 people have rated" in rendered  # two raters: no average that would tell who gave what
    assert MARKER not in rendered

    text, rows = _csv(bot)
    assert MARKER not in text and MARKER.lower() not in text
    assert [int(r["pair_id"]) for r in rows] == [program["met"], program["invited"]]
    met, invited = rows
    assert met == met | {
        "program": SPRING,
        "mentor_id": MENTOR,
        "mentee_id": MENTEE,
        "status": "active",
        "created_on": "2026-11-01",
        "ended_on": "",
        "meetings_scheduled": "3",
        "meetings_held": "2",
        "meetings_missed": "1",
        "checkin_answer_rate": "0.50",
        "goals_set": "2",
        "goals_met": "2",
        "items_open": "2",
        "items_done": "0",
        "items_carried": "2",
        "quiet": "no",
        "end_survey_score": "4.00",
    }
    assert met["stage"] == "agreeing boundaries"  # both wrote pre-work; their boundaries were proposed, not agreed
    assert (
        invited["stage"] == "invited" and invited["meetings_scheduled"] == "0" and invited["checkin_answer_rate"] == ""
    )


def test_report_of_everything_covers_every_program(bot: RunningBot, program: dict[str, int]) -> None:
    body = bot.slack.command("report", user_id=ADMIN).json()
    assert "All programs" in body["text"] and "2 active pairs" in body["text"]
    _, rows = _csv(bot)
    assert sorted(int(r["pair_id"]) for r in rows) == sorted(program.values())
    assert {r["program"] for r in rows} == {SPRING, "Autumn 2026"}


def test_report_with_a_date_range_counts_only_what_happened_in_it(bot: RunningBot, program: dict[str, int]) -> None:
    body = bot.slack.command(f"report {SPRING} 2026-11-12..2026-11-19", user_id=ADMIN).json()
    assert "12 Nov 2026 – 19 Nov 2026" in body["text"]
    assert "1 meeting held" in body["text"] and "answer rate n/a" in body["text"]  # the check-ins came on the 20th
    _, rows = _csv(bot)
    met = next(r for r in rows if int(r["pair_id"]) == program["met"])
    assert (met["meetings_scheduled"], met["meetings_held"], met["meetings_missed"]) == ("2", "1", "1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("Winter 2030", "There's no program called “Winter 2030”"),
        ("2026-13-01..2026-12-31", "couldn't read the dates"),
        ("Spring 2026-12-31..2026-09-01", "ends before it starts"),
        ("2026-09-01..", "couldn't read the dates"),
    ],
)
def test_report_with_an_unknown_program_or_malformed_range_says_so_and_uploads_nothing(
    bot: RunningBot, program: dict[str, int], args: str, message: str
) -> None:
    body = bot.slack.command(f"report {args}", user_id=ADMIN).json()
    assert message in body["text"]
    assert "blocks" not in body or not body["blocks"]
    bot.settle()
    assert bot.fake.calls("files.getUploadURLExternal") == []


def test_report_is_refused_to_a_member_and_nothing_is_uploaded(bot: RunningBot, program: dict[str, int]) -> None:
    body = bot.slack.command(f"report {SPRING}", user_id=MENTOR).json()
    assert "Only program admins" in body["text"]
    bot.settle()
    assert bot.fake.calls("files.getUploadURLExternal") == []


def test_report_of_an_empty_workspace_uploads_no_file(bot: RunningBot) -> None:
    body = bot.slack.command("report", user_id=ADMIN).json()
    assert "0 active pairs" in body["text"]
    bot.settle()
    assert bot.fake.calls("files.getUploadURLExternal") == []
    with session_scope(bot.engine) as session:
        assert session.get(Pair, 1) is None
