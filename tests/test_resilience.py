"""Issue 9: the bot stays answerable when its database or Slack misbehaves, and says so clearly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import App

from bot.app import create_app
from bot.deps import Deps
from bot.server import serving_in_thread
from tests.conftest import MENTOR
from tests.support.fake_slack import FakeSlack
from tests.support.payloads import view_submission
from tests.support.slack_requests import SlackSender


@contextmanager
def serving(app: App, deps: Deps, fake: FakeSlack) -> Iterator[SlackSender]:
    with serving_in_thread(app, deps.engine, signing_secret=deps.settings.slack_signing_secret) as url:
        yield SlackSender(url, response_url=fake.response_url())


def _modal(callback_id: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": "Test"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": blocks,
    }


TEXT_INPUT = {
    "type": "input",
    "block_id": "first_input",
    "label": {"type": "plain_text", "text": "What"},
    "element": {"type": "plain_text_input", "action_id": "what"},
}


# ---- item 9: a failed modal submission keeps the modal open and says it was not saved ----------


def test_failing_view_submission_keeps_the_modal_open_with_an_error(deps: Deps, fake_slack: FakeSlack) -> None:
    app = create_app(deps.settings, client=deps.client, engine=deps.engine, clock=deps.clock)

    @app.view("test_boom")
    def boom(ack: Any) -> None:
        raise RuntimeError("a bug in a feature handler")

    with serving(app, deps, fake_slack) as slack:
        with_input = view_submission(user_id=MENTOR, view=_modal("test_boom", [TEXT_INPUT]), inputs={"what": "x"})
        response = slack.interactive(with_input)
        assert response.status == 200
        answer = response.json()
        assert answer["response_action"] == "errors"
        assert "Couldn't save" in answer["errors"]["first_input"]

        section = {"type": "section", "text": {"type": "mrkdwn", "text": "no inputs"}}
        without_input = view_submission(user_id=MENTOR, view=_modal("test_boom", [section]), inputs={})
        response = slack.interactive(without_input)
        assert response.status == 200
        answer = response.json()
        assert answer["response_action"] == "update"
        assert "Couldn't save" in json.dumps(answer["view"])
