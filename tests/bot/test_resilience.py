"""Issue 9: the bot stays answerable when its database or Slack misbehaves, and says so clearly."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy.engine import Engine, make_url

from bot.app import build_deps, create_app
from bot.server import serving_in_thread
from mentoring.deps import Deps
from mentoring.settings import Settings
from storage.db import make_engine
from tests.conftest import MENTOR, make_settings
from tests.support.database import migrated_engine
from tests.support.fake_slack import FakeSlack
from tests.support.payloads import view_submission
from tests.support.slack_requests import HttpResponse, SlackSender, http_request
from tests.support.slack_user import cli_env, run_cli
from tests.support.tcp_proxy import TcpProxy


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


# ---- item 6: a database that stops answering (a black hole, not a refusal) -----------------------


def _proxied(url: str, proxy: TcpProxy) -> str:
    return make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


def _timed(call: Callable[[], HttpResponse]) -> tuple[float, HttpResponse]:
    started = time.monotonic()
    response = call()
    return time.monotonic() - started, response


@pytest.mark.postgres
def test_black_holed_database_answers_everything_within_3_seconds_and_recovers(
    pg_url: str, fake_slack: FakeSlack
) -> None:
    with migrated_engine(pg_url), TcpProxy("127.0.0.1", make_url(pg_url).port or 5432) as proxy:
        url = _proxied(pg_url, proxy)
        engine = make_engine(url)
        settings = make_settings(fake_slack, url)
        deps = build_deps(settings, engine=engine)
        app = create_app(settings, client=deps.client, engine=engine)
        try:
            with serving(app, deps, fake_slack) as slack:
                health_url = slack.events_url.removesuffix("/slack/events") + "/healthz"
                assert http_request(health_url, timeout=5).status == 200
                assert "can't reach" not in slack.command("actions", user_id=MENTOR).text  # a pooled connection

                proxy.black_hole()
                save = view_submission(user_id=MENTOR, view=_modal("any_modal", [TEXT_INPUT]), inputs={"what": "x"})
                calls: list[Callable[[], HttpResponse]] = [
                    lambda: http_request(health_url, timeout=5),
                    lambda: slack.command("help", user_id=MENTOR),
                    lambda: slack.interactive(save),
                ] + [lambda: slack.command("actions", user_id=MENTOR)] * 12  # more than waitress's 8 threads
                with ThreadPoolExecutor(len(calls)) as pool:
                    results = list(pool.map(_timed, calls))
                for elapsed, _ in results:
                    assert elapsed < 3, [round(e, 2) for e, _ in results]
                (_, health), (_, help_answer), (_, saved), *commands = results
                assert health.status == 503 and health.json()["database"] is False
                assert help_answer.status == 200 and "/mentor" in help_answer.json()["text"]
                assert saved.json()["response_action"] == "errors"  # the modal stays open, nothing saved
                assert "can't reach its database" in saved.json()["errors"]["first_input"]
                for _, answer in commands:
                    assert answer.status == 200
                    assert "can't reach its database" in answer.json()["text"]

                proxy.forward()  # the database is back: the bot notices by itself
                deadline = time.monotonic() + 20
                while http_request(health_url, timeout=5).status != 200:
                    assert time.monotonic() < deadline, "the bot did not notice the database is back"
                    time.sleep(0.2)
                elapsed, answer = _timed(lambda: slack.command("actions", user_id=MENTOR))
                assert elapsed < 3 and "can't reach" not in answer.text
        finally:
            proxy.stop()  # frees anything still stuck on a black-holed connection
            engine.dispose()


@pytest.mark.postgres
def test_migrate_against_a_black_holed_database_exits_2_with_one_line(pg_url: str, tmp_path: Path) -> None:
    with TcpProxy("127.0.0.1", make_url(pg_url).port or 5432) as proxy:
        proxy.black_hole()
        env = cli_env(DATABASE_URL=_proxied(pg_url, proxy))
        started = time.monotonic()
        result = run_cli(["migrate"], tmp_path, env, timeout=30)
        assert result.returncode == 2, result.stderr
        assert time.monotonic() - started < 20
        assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


# ---- item 8: Slack unreachable, or a wrong token ---------------------------------------------------


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/"  # nothing listens there: every call is refused


def _serve_with(settings: Settings, engine: Engine, fake: FakeSlack) -> Any:
    deps = build_deps(settings, engine=engine)
    app = create_app(settings, client=deps.client, engine=engine)
    return serving(app, deps, fake)


def test_unreachable_slack_neither_delays_the_ack_nor_floods_the_log(
    fake_slack: FakeSlack, database_url: str, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(fake_slack, database_url, slack_api_url=_closed_port_url())
    with caplog.at_level(logging.INFO), _serve_with(settings, engine, fake_slack) as slack:
        elapsed, answer = _timed(lambda: slack.command("help", user_id=MENTOR))
        assert answer.status == 200 and "/mentor" in answer.json()["text"]
        assert elapsed < 1.5, f"the first /mentor help took {elapsed:.1f} s"
        health = http_request(slack.events_url.removesuffix("/slack/events") + "/healthz", timeout=5)
        assert health.status == 503
        assert health.json()["slack"] == "unreachable" and health.json()["database"] is True
    tracebacks = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert tracebacks == []
    assert len(caplog.records) < 10, [r.getMessage()[:120] for r in caplog.records]


def test_a_wrong_token_makes_healthz_503_naming_it_while_help_still_answers(
    fake_slack: FakeSlack, database_url: str, engine: Engine
) -> None:
    settings = make_settings(fake_slack, database_url, slack_bot_token="xoxb-revoked-or-wrong")
    with _serve_with(settings, engine, fake_slack) as slack:
        health_url = slack.events_url.removesuffix("/slack/events") + "/healthz"
        elapsed, health = _timed(lambda: http_request(health_url, timeout=5))
        assert elapsed < 2.5
        assert health.status == 503
        assert health.json()["slack"] == "invalid_auth"
        elapsed, answer = _timed(lambda: slack.command("help", user_id=MENTOR))
        assert elapsed < 3 and answer.status == 200 and "/mentor" in answer.json()["text"]
