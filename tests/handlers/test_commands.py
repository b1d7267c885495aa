"""``/mentor`` routing as a user sees it: help, unknown subcommands, both mention forms."""

from __future__ import annotations

import json
import time

import pytest

from mentoring.checkins import QUESTIONS
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support.slack_user import (
    agree_through_the_ui,
    all_pairs,
    ask,
    dm_texts,
    opened_view,
    pair_via_command,
    run_command,
    started,
)

CONTRACT_ORDER = ["help", "pair", "import", "prework", "boundaries", "goals", "roadmap", "actions", "wrapup"]


def test_help_is_answered_within_three_seconds_and_only_to_the_caller(bot: RunningBot) -> None:
    started = time.monotonic()
    response = bot.slack.command("help")
    assert time.monotonic() - started < 3
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    rendered = body["text"] + str(body.get("blocks"))
    assert "/mentor help" in rendered


def test_empty_command_shows_help(bot: RunningBot) -> None:
    body = bot.slack.command("").json()
    assert "/mentor help" in body["text"]


def test_unknown_subcommand_says_so_and_shows_help(bot: RunningBot) -> None:
    body = bot.slack.command("dance now").json()
    assert body["response_type"] == "ephemeral"
    assert "`dance` is an unknown subcommand" in body["text"]
    assert "/mentor help" in body["text"]


def test_very_long_command_text_is_refused_politely(bot: RunningBot) -> None:
    body = bot.slack.command("goals " + "x" * 5000).json()
    assert "too long" in body["text"]


def test_unexpected_error_shows_an_apology_with_an_error_id_and_logs_it(
    deps,
    fake_slack,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    """Any listener that blows up: the user gets a short apology naming an error id; the log has the id."""
    from bot.app import create_app
    from bot.server import serving_in_thread
    from tests.support.slack_requests import SlackSender

    app = create_app(deps.settings, client=deps.client, engine=deps.engine)

    def explode(ack, body):  # type: ignore[no-untyped-def]
        ack()
        raise RuntimeError("boom")

    app.command("/explode")(explode)
    with serving_in_thread(app, deps.engine, signing_secret=deps.settings.slack_signing_secret) as url:
        sender = SlackSender(url, response_url=fake_slack.response_url())
        body = sender.command_body("now").replace("%2Fmentor", "%2Fexplode")
        assert sender.post(body, "application/x-www-form-urlencoded").status == 200
        (reply,) = fake_slack.wait_for_responses()
        assert reply["response_type"] == "ephemeral"
        assert "error id" in reply["text"]
        error_id = reply["text"].split("`")[-2]
        assert any(error_id in r.getMessage() for r in caplog.records)


def test_a_contract_subcommand_not_built_is_hidden_from_help_and_answered_not_available_yet() -> None:
    from handlers.commands import SUBCOMMANDS, CommandRouter, Subcommand

    router = CommandRouter({name: Subcommand(s.usage, s.summary) for name, s in SUBCOMMANDS.items()})
    assert [usage for usage, _ in router.help_entries()] == ["help"]
    answers: list[str] = []

    class FakeInvocation:
        def reply(self, text: str, blocks: object = None) -> None:
            answers.append(text)

    router.dispatch(FakeInvocation(), "report")  # type: ignore[arg-type]
    assert answers == ["`/mentor report` is not available yet. Try `/mentor help` for what you can do today."]


def test_help_lists_every_built_subcommand_in_contract_order(bot: RunningBot) -> None:
    text = bot.slack.command("help").json()["text"]
    listed = [part.split()[0].rstrip(",") for part in text.split("/mentor ")[1:]]
    order = [
        "help",
        "pair",
        "import",
        "prework",
        "boundaries",
        "goals",
        "roadmap",
        "actions",
        "wrapup",
        "end",
        "export",
        "report",
        "program",
        "delete-my-data",
    ]
    assert listed == [name for name in order if name in listed]
    assert {"help", "pair", "import", "end", "export"} <= set(listed)


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_help_or_nothing_lists_the_subcommands_ephemerally(bot: RunningBot, text: str) -> None:
    ack = run_command(bot, text, user_id=OTHER)
    assert ack.get("response_type") == "ephemeral"
    shown = ack["text"] + json.dumps(ack.get("blocks") or [])
    for name in ("help", "pair", "boundaries", "goals", "roadmap", "actions", "wrapup", "end", "export"):
        assert f"/mentor {name}" in shown, name
    assert bot.fake.posts() == []


def test_unknown_subcommand_says_so_and_lists_what_works(bot: RunningBot) -> None:
    ack = run_command(bot, "frobnicate now", user_id=MENTOR)
    assert ack.get("response_type") == "ephemeral"
    assert "frobnicate" in ack["text"] and "unknown" in ack["text"].lower()
    assert "/mentor help" in ack["text"] + json.dumps(ack.get("blocks") or [])
    assert bot.fake.posts() == []


def test_subcommand_separated_by_a_tab_or_newline_still_works(bot: RunningBot) -> None:
    ask(bot, f"pair\t<@{MENTOR}|maria>\n<@{MENTEE}|tom>", user_id=ADMIN)
    bot.fake.wait_for(lambda f: any(p.welcome_ts for p in all_pairs(bot)))


def test_admin_only_subcommands_are_refused_to_members(bot: RunningBot) -> None:
    started(bot, pair_via_command(bot, MENTOR, MENTEE))
    views = len(bot.fake.calls("views.open"))
    for sub in ("import", "report"):
        assert "admin" in ask(bot, sub, user_id=MENTOR).lower()
    assert len(bot.fake.calls("views.open")) == views


def test_admin_report_and_import_answer_admins(bot: RunningBot) -> None:
    started(bot, pair_via_command(bot, MENTOR, MENTEE))
    seen = ask(bot, "report", user_id=ADMIN)
    assert "pair" in seen.lower()
    before = len(bot.fake.calls("views.open"))
    run_command(bot, "import", user_id=ADMIN)
    assert opened_view(bot, before)["type"] == "modal"


def test_wrapup_posts_the_three_questions_into_the_pair_dm_now(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agree_through_the_ui(bot, pair)
    seen = len(bot.fake.posts(pair.channel_id))
    run_command(bot, "wrapup", user_id=MENTEE, channel_id=pair.channel_id or "")
    posted = bot.fake.wait_for(
        lambda f: [
            t
            for t in dm_texts(bot, pair.channel_id or "", seen)
            if "What was useful about our conversation today?" in t
        ]
    )
    assert len(posted) == 1
    for question in QUESTIONS.values():
        assert question in posted[0]


def test_oversized_command_text_is_refused_plainly(bot: RunningBot) -> None:
    ack = run_command(bot, "pair " + "<@U0MENTOR> " * 1000, user_id=ADMIN)
    assert ack.get("response_type") == "ephemeral" and "too long" in ack["text"]
    assert all_pairs(bot) == []
