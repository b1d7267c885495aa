"""``/mentor program`` and the program choice of ``/mentor pair`` and ``/mentor import``, as admins and
members see them: who may, what the forms show and refuse, and the survey button guarded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import select

from blocks.programs import PICK_ACTION, SURVEY_ACTION
from storage.db import session_scope
from storage.models import Pair, Program
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support.fake_slack import TEAM_ID
from tests.support.payloads import view_submission
from tests.support.slack_user import (
    all_pairs,
    ask,
    db_snapshot,
    make_pair,
    open_modal,
    press,
    press_in_view,
    run_command,
    submit,
)

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # the injected clock's start


def add_program(bot: RunningBot, name: str, starts: date, ends: date) -> Program:
    with session_scope(bot.engine) as session:
        program = Program(team_id=TEAM_ID, name=name, starts_on=starts, ends_on=ends, created_by=ADMIN, created_at=NOW)
        session.add(program)
        session.flush()
        return program


def stored_programs(bot: RunningBot) -> list[Program]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Program).order_by(Program.id)))  # type: ignore[arg-type]


def test_program_is_for_admins_only(bot: RunningBot) -> None:
    answer = ask(bot, "program", user_id=MENTOR)
    assert "Only program admins" in answer
    assert bot.fake.calls("views.open") == []


def test_program_is_listed_in_help(bot: RunningBot) -> None:
    answer = ask(bot, "help", user_id=MENTOR)
    assert "/mentor program" in answer and "create or change a program" in answer


def test_a_crafted_program_form_from_a_non_admin_changes_nothing(bot: RunningBot) -> None:
    view = open_modal(bot, ADMIN, "C0001", command="program")
    before = db_snapshot(bot)
    body = submit(bot, OTHER, view, {"name": "Mine", "starts_on": "2026-11-01", "ends_on": "2026-12-01"})
    assert body["response_action"] == "errors" and "Only program admins" in body["errors"]["name"]
    assert stored_programs(bot) == [] and db_snapshot(bot) == before


def test_the_lead_picks_a_program_to_change_and_names_stay_unique(bot: RunningBot) -> None:
    autumn = add_program(bot, "Autumn 2026", date(2026, 9, 1), date(2026, 12, 31))
    add_program(bot, "Spring 2027", date(2027, 3, 1), date(2027, 6, 30))
    open_modal(bot, ADMIN, "C0001", command="program")
    stored = next(v for v in bot.fake.state.views.values() if v.get("callback_id") == "program_form")
    picker = next(b for b in stored["blocks"] if b.get("block_id") == "program_pick")["accessory"]
    assert [o["text"]["text"] for o in picker["options"]] == [
        "➕ A new program",
        "Spring 2027 (1 Mar 2027 – 30 Jun 2027)",
        "Autumn 2026 (1 Sep 2026 – 31 Dec 2026)",
    ]

    press_in_view(bot, ADMIN, stored, PICK_ACTION, str(autumn.id))
    (update,) = bot.fake.wait_for_calls("views.update")
    view: dict[str, Any] = update.args["view"]
    name = next(b for b in view["blocks"] if b.get("block_id") == "name")
    assert name["element"]["initial_value"] == "Autumn 2026" and view["title"]["text"] == "Change program"

    taken = submit(bot, ADMIN, view, {"name": "spring 2027", "starts_on": "2026-09-01", "ends_on": "2026-12-31"})
    assert taken["response_action"] == "errors" and "already a program" in taken["errors"]["name"]
    done = submit(bot, ADMIN, view, {"name": "Autumn 2026", "starts_on": "2026-09-01", "ends_on": "2027-01-15"})
    assert done["response_action"] == "update" and "saved" in str(done["view"]["blocks"])
    assert [(p.name, p.ends_on) for p in stored_programs(bot)] == [
        ("Autumn 2026", date(2027, 1, 15)),
        ("Spring 2027", date(2027, 6, 30)),
    ]


def test_program_with_a_name_opens_that_program_to_change(bot: RunningBot) -> None:
    add_program(bot, "Autumn 2026", date(2026, 9, 1), date(2026, 12, 31))
    view = open_modal(bot, ADMIN, "C0001", command="program autumn 2026")
    name = next(b for b in view["blocks"] if b.get("block_id") == "name")
    assert name["element"]["initial_value"] == "Autumn 2026" and view["title"]["text"] == "Change program"


def test_pair_names_a_program_or_joins_the_current_one(bot: RunningBot) -> None:
    autumn = add_program(bot, "Autumn 2026", date(2026, 9, 1), date(2026, 12, 31))
    spring = add_program(bot, "Spring 2027", date(2027, 3, 1), date(2027, 6, 30))
    bot.fake.add_user(OTHER)
    reply = run_command(bot, f"pair <@{MENTOR}|maria> <@{MENTEE}> spring 2027", user_id=ADMIN)
    assert "in *Spring 2027*" in reply["text"]
    reply = run_command(bot, f"pair <@{OTHER}> <@{MENTEE}>", user_id=ADMIN)
    assert "in *Autumn 2026*" in reply["text"]
    bot.fake.wait_for(lambda f: len([p for p in all_pairs(bot) if p.welcome_ts]) == 2)
    assert {(p.mentor_id, p.program_id) for p in all_pairs(bot)} == {(MENTOR, spring.id), (OTHER, autumn.id)}


def test_pair_with_an_unknown_program_is_refused_and_creates_nothing(bot: RunningBot) -> None:
    add_program(bot, "Autumn 2026", date(2026, 9, 1), date(2026, 12, 31))
    add_program(bot, "Long gone", date(2025, 1, 1), date(2025, 6, 30))
    answer = ask(bot, f"pair <@{MENTOR}> <@{MENTEE}> Winter", user_id=ADMIN)
    assert "no program called “Winter”" in answer and "“Autumn 2026”" in answer and "Long gone" not in answer
    answer = ask(bot, f"pair <@{MENTOR}> <@{MENTEE}> long gone", user_id=ADMIN)
    assert "ended on 30 June 2025" in answer
    bot.settle()
    assert all_pairs(bot) == [] and bot.fake.calls("conversations.open") == []


def test_import_offers_the_open_programs_with_the_current_one_chosen(bot: RunningBot) -> None:
    autumn = add_program(bot, "Autumn 2026", date(2026, 9, 1), date(2026, 12, 31))
    spring = add_program(bot, "Spring 2027", date(2027, 3, 1), date(2027, 6, 30))
    add_program(bot, "Long gone", date(2025, 1, 1), date(2025, 6, 30))
    view = open_modal(bot, ADMIN, "C0001", command="import")
    select_ = next(b for b in view["blocks"] if b.get("block_id") == "program")["element"]
    assert [o["value"] for o in select_["options"]] == ["none", str(spring.id), str(autumn.id)]
    assert select_["initial_option"]["value"] == str(autumn.id)

    body = submit(bot, ADMIN, view, {"lines": f"<@{MENTOR}>, <@{MENTEE}>", "program": str(spring.id)})
    assert body["response_action"] == "update"
    report = bot.fake.wait_for(lambda f: [p for p in f.posts() if "Import finished" in p["text"]])[0]["text"]
    assert "1 pair(s) created in *Spring 2027*" in report
    assert [p.program_id for p in all_pairs(bot)] == [spring.id]


def test_import_refuses_a_program_of_another_workspace(bot: RunningBot) -> None:
    add_program(bot, "Autumn 2026", date(2026, 9, 1), date(2026, 12, 31))
    with session_scope(bot.engine) as session:
        theirs = Program(
            team_id="T0OTHER",
            name="Theirs",
            starts_on=NOW.date(),
            ends_on=date(2027, 1, 1),
            created_by=OTHER,
            created_at=NOW,
        )
        session.add(theirs)
        session.flush()
        theirs_id = theirs.id
    view = open_modal(bot, ADMIN, "C0001", command="import")
    select_ = next(b for b in view["blocks"] if b.get("block_id") == "program")["element"]
    select_["options"].append({"text": {"type": "plain_text", "text": "Theirs"}, "value": str(theirs_id)})
    body = bot.slack.interactive(
        view_submission(
            user_id=ADMIN, view=view, inputs={"lines": f"<@{MENTOR}>, <@{MENTEE}>", "program": str(theirs_id)}
        )
    ).json()
    assert body["response_action"] == "errors" and "no longer exists" in body["errors"]["program"]
    bot.settle()
    assert all_pairs(bot) == []


def test_the_survey_opens_only_for_members_and_only_once_the_program_ended(bot: RunningBot) -> None:
    autumn = add_program(bot, "Autumn 2026", date(2026, 9, 1), date(2026, 12, 31))
    pair = make_pair(bot.engine)
    with session_scope(bot.engine) as session:
        stored = session.get(Pair, pair.id)
        assert stored is not None
        stored.program_id = autumn.id
        session.add(stored)
    press(bot, OTHER, SURVEY_ACTION, str(pair.id))
    press(bot, MENTEE, SURVEY_ACTION, str(pair.id))
    replies = bot.fake.wait_for_responses(2)
    assert "not part of this pair" in replies[0]["text"]
    assert "opens when the program ends" in replies[1]["text"]
    assert bot.fake.calls("views.open") == []
