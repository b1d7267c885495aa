"""``/mentor`` routing as a user sees it: help, unknown subcommands, both mention forms."""

from __future__ import annotations

import time

from tests.conftest import RunningBot

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
    ]
    assert listed == [name for name in order if name in listed]
    assert {"help", "pair", "import", "end", "export"} <= set(listed)
