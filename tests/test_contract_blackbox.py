"""Black-box checks of CONTRACT.md: signed HTTP requests shaped like Slack's samples, the fake Slack, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from sqlmodel import select

from mentoring.checkins import QUESTIONS
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import ActionItem, Boundaries, BoundariesStatus, Goal, Outbox, Pair, RoadmapItem
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support.fake_slack import BOT_ID, BOT_USER_ID, TEAM_ID, VALID_TOKEN, FakeSlack
from tests.support.payloads import block_action, view_action, view_submission
from tests.support.slack_requests import SIGNING_SECRET, SlackSender, http_request
from tests.support.slack_user import activate, all_pairs, pair_via_command

ROOT = Path(__file__).resolve().parent.parent
SECOND_MENTEE = "U0SECOND"
BOUNDARIES = {
    "frequency": "weekly",
    "weekday": "3",  # Thursday
    "start_time": "17:00",
    "duration_minutes": "60",
    "timezone": "Europe/Berlin",
    "location": "Video call",
    "contact_method": "Slack, in this DM",
    "mentor_contact_start": "08:00",
    "mentor_contact_end": "20:00",
    "mentor_tz": "Europe/Berlin",
    "mentee_contact_start": "08:00",
    "mentee_contact_end": "20:00",
    "mentee_tz": "Europe/Berlin",
    "mentor_role": "Listen, ask, share experience",
    "mentee_role": "Set the agenda, follow through",
    "expectations": "We both come prepared",
    "scope_in": "Career growth",
    "scope_out": "",
    "notes": "",
}


# ---- helpers: Slack-shaped requests ---------------------------------------------------------------


def enterprise_command_body(sender: SlackSender, text: str, *, user_id: str, channel_id: str = "C0001") -> str:
    """The slash command exactly as slash_command.txt shows it, Enterprise Grid fields included."""
    return urlencode(
        {
            "token": "FAKEverificationTOKEN0001",
            "team_id": TEAM_ID,
            "team_domain": "example-ws",
            "enterprise_id": "E0001",
            "enterprise_name": "Example Org",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": "alice",
            "command": "/mentor",
            "text": text,
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": sender.response_url,
            "trigger_id": f"1111111111.2222222222.{time.monotonic_ns():032x}"[:56],
        }
    )


def command(bot: RunningBot, text: str, *, user_id: str, channel_id: str = "C0001") -> dict[str, Any]:
    """Run ``/mentor text``; the ack must come within 3 s; returns the ack body (or {})."""
    body = enterprise_command_body(bot.slack, text, user_id=user_id, channel_id=channel_id)
    started = time.monotonic()
    response = bot.slack.post(body, "application/x-www-form-urlencoded")
    assert time.monotonic() - started < 3
    assert response.status == 200, response.text
    return response.json() if response.body else {}


def answer_text(bot: RunningBot, ack: dict[str, Any], before: int) -> str:
    """What the caller saw: the ack's text, or the first response_url answer after ``before``."""
    if ack.get("text"):
        return str(ack["text"]) + " " + json.dumps(ack.get("blocks") or [])
    replies = bot.fake.wait_for_responses(before + 1)
    return str(replies[before].get("text", "")) + " " + json.dumps(replies[before].get("blocks") or [])


def ask(bot: RunningBot, text: str, *, user_id: str, channel_id: str = "C0001") -> str:
    before = len(bot.fake.responses())
    return answer_text(bot, command(bot, text, user_id=user_id, channel_id=channel_id), before)


def click(bot: RunningBot, user: str, action_id: str, value: str, *, channel: str, ts: str) -> None:
    message = next((m for m in bot.fake.messages(channel) if m["ts"] == ts), None)
    payload = block_action(
        user_id=user,
        action_id=action_id,
        value=value,
        channel_id=channel,
        message={
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": ts,
            "text": (message or {}).get("text", ""),
            "blocks": (message or {}).get("blocks", []),
        },
        response_url=bot.fake.response_url("action"),
    )
    payload["team"] = {"id": TEAM_ID, "domain": "example-ws", "enterprise_id": "E0001", "enterprise_name": "Org"}
    payload["enterprise"] = {"id": "E0001", "name": "Example Org"}
    started = time.monotonic()
    response = bot.slack.interactive(payload)
    assert time.monotonic() - started < 3
    assert response.status == 200, response.text


def opened_view(bot: RunningBot, before: int) -> dict[str, Any]:
    call = bot.fake.wait_for_calls("views.open", before + 1)[before]
    view = dict(call.args["view"])
    view.setdefault("id", f"V{before:04d}")
    return view


def db_snapshot(bot: RunningBot) -> str:
    """Every row the bot keeps about pairs, as text, to show that a refused request changed nothing."""
    with session_scope(bot.engine) as session:
        rows: list[Any] = []
        for model in (Pair, Boundaries, Goal, ActionItem, RoadmapItem, Outbox):
            rows.extend(sorted((r.model_dump_json() for r in session.exec(select(model))), key=str))
        return "\n".join(rows)


def started(bot: RunningBot, pending: Pair) -> Pair:
    """Both accept; returns once "You're both in!" is in the pair DM (the last thing accepting does)."""
    pair = activate(bot, pending)
    bot.fake.wait_for(lambda f: any(p["text"].startswith("You're both in") for p in f.posts(pair.channel_id)))
    return pair


def pair_of(bot: RunningBot, mentor: str, mentee: str) -> Pair:
    return next(p for p in all_pairs(bot) if (p.mentor_id, p.mentee_id) == (mentor, mentee))


# ---- /mentor pair, help, unknown, several pairs --------------------------------------------------


@pytest.mark.parametrize("mentions", ["<@{m}|maria> <@{e}|tom>", "<@{m}> <@{e}>", "<@{m}|maria>   <@{e}>"])
def test_admin_pairs_two_people_with_either_mention_form(bot: RunningBot, mentions: str) -> None:
    text = "pair " + mentions.format(m=MENTOR, e=MENTEE)
    seen = ask(bot, text, user_id=ADMIN)
    assert f"<@{MENTOR}>" in seen and f"<@{MENTEE}>" in seen

    opened = bot.fake.wait_for_calls("conversations.open")
    assert set(opened[0].args["users"].split(",")) == {MENTOR, MENTEE}
    pair = bot.fake.wait_for(lambda f: next((p for p in all_pairs(bot) if p.welcome_ts), None))
    assert (pair.mentor_id, pair.mentee_id) == (MENTOR, MENTEE)
    (welcome,) = bot.fake.posts(pair.channel_id)
    shown = welcome["text"] + json.dumps(welcome.get("blocks") or [])
    assert f"<@{MENTOR}>" in shown and f"<@{MENTEE}>" in shown
    # Next steps: what to do now (accept / pre-work / boundaries), with buttons.
    assert "actions" in [b["type"] for b in welcome["blocks"]]
    assert "boundaries" in shown.lower() or "prework" in shown.lower() or "pre-work" in shown.lower()


@pytest.mark.parametrize("who", [MENTOR, OTHER])
def test_non_admin_cannot_pair_and_nothing_is_created(bot: RunningBot, who: str) -> None:
    seen = ask(bot, f"pair <@{MENTOR}|maria> <@{MENTEE}|tom>", user_id=who)
    assert "admin" in seen.lower()
    assert all_pairs(bot) == []
    assert bot.fake.calls("conversations.open") == [] and bot.fake.posts() == []


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_help_or_nothing_lists_the_subcommands_ephemerally(bot: RunningBot, text: str) -> None:
    ack = command(bot, text, user_id=OTHER)
    assert ack.get("response_type") == "ephemeral"
    shown = ack["text"] + json.dumps(ack.get("blocks") or [])
    for name in ("help", "pair", "boundaries", "goals", "roadmap", "actions", "wrapup", "end", "export"):
        assert f"/mentor {name}" in shown, name
    assert bot.fake.posts() == []


def test_unknown_subcommand_says_so_and_lists_what_works(bot: RunningBot) -> None:
    ack = command(bot, "frobnicate now", user_id=MENTOR)
    assert ack.get("response_type") == "ephemeral"
    assert "frobnicate" in ack["text"] and "unknown" in ack["text"].lower()
    assert "/mentor help" in ack["text"] + json.dumps(ack.get("blocks") or [])
    assert bot.fake.posts() == []


def test_pair_with_wrong_number_of_mentions_shows_usage_and_creates_nothing(bot: RunningBot) -> None:
    for text in (f"pair <@{MENTOR}>", "pair maria tom", f"pair <@{MENTOR}> <@{MENTEE}> <@{OTHER}>"):
        assert "/mentor pair @mentor @mentee" in ask(bot, text, user_id=ADMIN)
    assert all_pairs(bot) == []


def test_subcommand_separated_by_a_tab_or_newline_still_works(bot: RunningBot) -> None:
    ask(bot, f"pair\t<@{MENTOR}|maria>\n<@{MENTEE}|tom>", user_id=ADMIN)
    bot.fake.wait_for(lambda f: any(p.welcome_ts for p in all_pairs(bot)))


def test_member_of_several_pairs_outside_a_pair_dm_is_asked_which_pair(bot: RunningBot) -> None:
    bot.fake.add_user(SECOND_MENTEE, name="sam", tz="Europe/Paris")
    first = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    second = started(bot, pair_via_command(bot, MENTOR, SECOND_MENTEE))
    seen = ask(bot, "actions", user_id=MENTOR, channel_id="C0001")
    assert "which" in seen.lower()
    assert f"<@{MENTEE}>" in seen and f"<@{SECOND_MENTEE}>" in seen  # each pair named by the other person
    assert "choose_pair" in seen
    # Choosing the second pair runs the command on it.
    before = len(bot.fake.responses())
    reply = command(bot, "actions", user_id=MENTOR, channel_id="C0001") or bot.fake.wait_for_responses(before + 1)[-1]
    chosen = next(b["accessory"] for b in reply["blocks"] if "accessory" in b and SECOND_MENTEE in json.dumps(b))
    before = len(bot.fake.responses())
    click(bot, MENTOR, "choose_pair", chosen["value"], channel="C0001", ts="1.000100")
    answer = bot.fake.wait_for_responses(before + 1)[before]
    assert "which" not in answer["text"].lower() and "not" not in answer["text"].lower(), answer
    assert second.id is not None
    # Inside one pair's DM, the DM decides: no question.
    seen_in_dm = ask(bot, "actions", user_id=MENTOR, channel_id=first.channel_id or "")
    assert "which" not in seen_in_dm.lower()


@pytest.mark.parametrize("sub", ["prework", "boundaries", "goals", "roadmap", "actions", "wrapup", "end", "export"])
def test_someone_in_no_pair_is_refused_and_sees_nothing_of_any_pair(bot: RunningBot, sub: str) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    views, posts = len(bot.fake.calls("views.open")), len(bot.fake.posts())
    uploads = len(bot.fake.calls("files.completeUploadExternal"))
    seen = ask(bot, sub, user_id=OTHER, channel_id=pair.channel_id or "")
    assert "not" in seen.lower()
    assert f"<@{MENTEE}>" not in seen and f"<@{MENTOR}>" not in seen
    assert len(bot.fake.calls("views.open")) == views and len(bot.fake.posts()) == posts
    assert len(bot.fake.calls("files.completeUploadExternal")) == uploads
    assert db_snapshot(bot) == before


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
    command(bot, "import", user_id=ADMIN)
    assert opened_view(bot, before)["type"] == "modal"


def test_end_needs_a_confirmation_before_anything_changes(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    seen = ask(bot, "end", user_id=MENTEE, channel_id=pair.channel_id or "")
    assert "confirm" in seen.lower()
    assert db_snapshot(bot) == before


# ---- signing, health, events ---------------------------------------------------------------------


def _unsigned(bot: RunningBot, body: str, content_type: str, headers: dict[str, str]) -> int:
    all_headers = {"Content-Type": content_type, **headers}
    return http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=all_headers).status


def _bodies(bot: RunningBot) -> list[tuple[str, str]]:
    cmd = enterprise_command_body(bot.slack, f"pair <@{MENTOR}|maria> <@{MENTEE}|tom>", user_id=ADMIN)
    click = block_action(user_id=MENTOR, action_id="pair_accept", value="1")
    event = {
        "token": "x",
        "team_id": TEAM_ID,
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": MENTOR, "channel": "D0001", "tab": "home"},
    }
    return [
        (cmd, "application/x-www-form-urlencoded"),
        ("payload=" + quote(json.dumps(click)), "application/x-www-form-urlencoded"),
        (json.dumps(event), "application/json"),
    ]


def test_unsigned_forged_or_stale_requests_get_401_and_change_nothing(bot: RunningBot) -> None:
    forger = SlackSender(bot.url, response_url=bot.fake.response_url(), signing_secret="not-the-secret")
    for body, content_type in _bodies(bot):
        assert _unsigned(bot, body, content_type, {}) == 401
        ts = str(int(time.time()))
        assert _unsigned(bot, body, content_type, {"X-Slack-Request-Timestamp": ts}) == 401
        assert forger.post(body, content_type).status == 401
        stale = int(time.time()) - 6 * 60
        headers = bot.slack.signed_headers(body, content_type, timestamp=stale)
        assert http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers).status == 401
        future = int(time.time()) + 6 * 60
        headers = bot.slack.signed_headers(body, content_type, timestamp=future)
        assert http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers).status == 401
        for odd in ("yesterday", "", "1e10", "-1"):
            headers = bot.slack.signed_headers(body, content_type)
            headers["X-Slack-Request-Timestamp"] = odd
            assert http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers).status == 401
        headers = bot.slack.signed_headers(body, content_type)
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
        assert http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers).status == 401
        # Signed for another body: the signature does not match what arrives.
        headers = bot.slack.signed_headers(body + "x", content_type)
        assert http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers).status == 401
    bot.settle()  # anything accepted by mistake has reached the fake Slack by now
    assert all_pairs(bot) == [] and bot.fake.calls() == [] and bot.fake.responses() == []


def test_request_signed_4_minutes_ago_is_still_accepted(bot: RunningBot) -> None:
    body = enterprise_command_body(bot.slack, "help", user_id=OTHER)
    headers = bot.slack.signed_headers(body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 240)
    response = http_request(bot.slack.events_url, method="POST", body=body.encode(), headers=headers)
    assert response.status == 200 and "/mentor help" in response.json()["text"]


def test_healthz_answers_200_with_small_json(bot: RunningBot) -> None:
    response = http_request(bot.url + "/healthz")
    assert response.status == 200
    assert isinstance(response.json(), dict) and len(response.body) < 1000


def test_url_verification_echoes_the_challenge(bot: RunningBot) -> None:
    body = json.dumps({"token": "FAKEverificationTOKEN0001", "challenge": "3eZbrw1aBm2r", "type": "url_verification"})
    response = bot.slack.post(body, "application/json")
    assert response.status == 200 and "3eZbrw1aBm2r" in response.text


def test_app_home_opened_with_enterprise_envelope_is_acked_fast(bot: RunningBot) -> None:
    envelope = json.loads((ROOT / "tests" / "fixtures" / "app_home_opened.json").read_text())
    envelope["event"]["user"] = MENTOR
    envelope["event_time"] = int(time.time())
    started = time.monotonic()
    response = bot.slack.post(json.dumps(envelope), "application/json")
    assert time.monotonic() - started < 3 and response.status == 200
    publish = bot.fake.wait_for_calls("views.publish")
    assert publish[0].args["user_id"] == MENTOR


def test_the_bots_own_messages_and_other_channels_messages_are_ignored(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before, calls = db_snapshot(bot), len(bot.fake.calls())
    own = {
        "type": "message",
        "channel": pair.channel_id,
        "channel_type": "mpim",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": "A0001",
        "team": TEAM_ID,
        "text": "useful: a reply the bot itself posted",
        "ts": "1800000999.000100",
        "thread_ts": pair.welcome_ts,
        "parent_user_id": BOT_USER_ID,
        "event_ts": "1800000999.000100",
    }
    assert bot.slack.event(own).status == 200
    stranger = dict(own, user=OTHER, channel="C0OTHER", ts="1800000999.000200", event_ts="1800000999.000200")
    stranger.pop("bot_id")
    assert bot.slack.event(stranger).status == 200
    bot.settle()
    assert db_snapshot(bot) == before
    assert [c.method for c in bot.fake.calls()[calls:] if c.method.startswith("chat.")] == []


def test_malformed_payloads_are_not_server_errors_and_change_nothing(bot: RunningBot) -> None:
    started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    bad = [
        ("payload=not-json", "application/x-www-form-urlencoded"),
        ("payload=" + quote(json.dumps({"type": "block_actions"})), "application/x-www-form-urlencoded"),
        ("payload=" + quote(json.dumps([1, 2])), "application/x-www-form-urlencoded"),
        ("{not json", "application/json"),
        (json.dumps({"type": "event_callback"}), "application/json"),
        ("", "application/x-www-form-urlencoded"),
    ]
    for body, content_type in bad:
        status = bot.slack.post(body, content_type).status
        assert status < 500, (body, status)
    assert db_snapshot(bot) == before


# ---- crafted ids: another pair's data ------------------------------------------------------------


def _ids(bot: RunningBot, model: Any, pair_id: int) -> list[int]:
    with session_scope(bot.engine) as session:
        return [r.id for r in session.exec(select(model).where(model.pair_id == pair_id))]


def test_buttons_naming_another_pairs_ids_are_refused_and_change_nothing(bot: RunningBot) -> None:
    bot.fake.add_user(SECOND_MENTEE, name="sam", tz="Europe/Paris")
    victim = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, victim)
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start + timedelta(minutes=75), bot.deps)  # the victim pair has meetings and a check-in now
    with session_scope(bot.engine) as session:
        now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
        session.add(ActionItem(team_id=TEAM_ID, pair_id=victim.id or 0, owner_id=MENTEE, text="secret", created_at=now))
        session.add(
            Goal(
                team_id=TEAM_ID,
                pair_id=victim.id or 0,
                title="secret goal",
                measurable="m",
                achievable="a",
                relevant="r",
                due_on=now.date() + timedelta(days=30),
                progress=10,
                created_by=MENTEE,
                created_at=now,
                updated_at=now,
            )
        )
    from storage.models import CheckIn, Meeting

    ids = {
        "pair": [victim.id],
        "boundaries": _ids(bot, Boundaries, victim.id or 0),
        "meeting": _ids(bot, Meeting, victim.id or 0),
        "checkin": _ids(bot, CheckIn, victim.id or 0),
        "item": _ids(bot, ActionItem, victim.id or 0),
    }
    assert all(ids.values()), ids
    outsider_pair = started(bot, pair_via_command(bot, ADMIN, SECOND_MENTEE))
    before = db_snapshot(bot)
    posts = len(bot.fake.posts())
    views = len(bot.fake.calls("views.open"))
    replies = len(bot.fake.responses())
    buttons = {
        "pair": ("boundaries_open", "pair_accept", "pair_decline", "pair_end_confirm", "prework_open", "items_add"),
        "boundaries": ("boundaries_agree", "boundaries_change"),
        "meeting": ("meeting_confirm", "meeting_skip", "meeting_move"),
        "checkin": ("checkin_answer",),
        "item": ("item_done", "item_snooze"),
    }
    sent = 0
    for kind, action_ids in buttons.items():
        for action_id in action_ids:
            for value in ids[kind]:
                click(bot, SECOND_MENTEE, action_id, str(value), channel=outsider_pair.channel_id or "", ts="1.000100")
                sent += 1
    bot.fake.wait_for_responses(replies + sent)
    assert db_snapshot(bot) == before
    assert len(bot.fake.posts()) == posts and len(bot.fake.calls("views.open")) == views
    for response in bot.fake.responses()[replies:]:
        assert "secret" not in json.dumps(response) and f"<@{MENTEE}>" not in json.dumps(response), response


def test_oversized_text_in_a_modal_is_a_field_error_and_saves_nothing(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before_views = len(bot.fake.calls("views.open"))
    command(bot, "boundaries", user_id=MENTOR, channel_id=pair.channel_id or "")
    view = opened_view(bot, before_views)
    before = db_snapshot(bot)
    huge = dict(BOUNDARIES, location="x" * 5000, expectations="y" * 20000)
    response = bot.slack.interactive(view_submission(user_id=MENTOR, view=view, inputs=huge))
    assert response.status == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    input_ids = {b["block_id"] for b in view["blocks"] if b["type"] == "input"}
    assert set(answer["errors"]) <= input_ids and {"location", "expectations"} & set(answer["errors"])
    bot.settle()
    assert db_snapshot(bot) == before


def test_a_submission_by_someone_outside_the_pair_is_refused(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before_views = len(bot.fake.calls("views.open"))
    command(bot, "boundaries", user_id=MENTOR, channel_id=pair.channel_id or "")
    view = opened_view(bot, before_views)
    before = db_snapshot(bot)
    response = bot.slack.interactive(view_submission(user_id=OTHER, view=view, inputs=BOUNDARIES))
    assert response.status == 200 and response.json()["response_action"] == "errors"
    bot.settle()
    assert db_snapshot(bot) == before


def test_a_modal_button_with_a_crafted_view_of_another_pair_is_refused(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before_views = len(bot.fake.calls("views.open"))
    command(bot, "goals", user_id=MENTOR, channel_id=pair.channel_id or "")
    view = opened_view(bot, before_views)
    before = db_snapshot(bot)
    buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"] if e["type"] == "button"]
    for button in buttons:
        payload = view_action(
            user_id=OTHER, view=view, action_id=button["action_id"], value=str(button.get("value", ""))
        )
        assert bot.slack.interactive(payload).status == 200
    bot.settle()
    assert db_snapshot(bot) == before
    assert len(bot.fake.calls("views.push")) == 0


# ---- the scheduler, after boundaries agreed through the UI ---------------------------------------


def agree_through_the_ui(bot: RunningBot, pair: Pair, inputs: dict[str, str] | None = None) -> Boundaries:
    before = len(bot.fake.calls("views.open"))
    command(bot, "boundaries", user_id=MENTOR, channel_id=pair.channel_id or "")
    view = opened_view(bot, before)
    response = bot.slack.interactive(view_submission(user_id=MENTOR, view=view, inputs=inputs or BOUNDARIES))
    assert response.status == 200 and not response.body, response.text

    def proposed(_: FakeSlack) -> Boundaries | None:
        with session_scope(bot.engine) as session:
            return session.exec(select(Boundaries).where(Boundaries.proposal_ts.is_not(None))).first()  # type: ignore[union-attr]

    row = bot.fake.wait_for(proposed)
    click(bot, MENTEE, "boundaries_agree", str(row.id), channel=pair.channel_id or "", ts=row.proposal_ts or "")

    def agreed(_: FakeSlack) -> Boundaries | None:
        with session_scope(bot.engine) as session:
            return session.exec(select(Boundaries).where(Boundaries.status == BoundariesStatus.AGREED)).first()

    row = bot.fake.wait_for(agreed)
    bot.fake.wait_for(lambda f: any(p["text"].startswith("Boundaries agreed") for p in f.posts(pair.channel_id)))
    bot.fake.wait_for_calls("files.completeUploadExternal")  # the .ics, the last thing the agreement does
    return row


def set_first_theme_through_the_ui(bot: RunningBot, pair: Pair, theme: str) -> None:
    before = len(bot.fake.calls("views.open"))
    command(bot, "roadmap", user_id=MENTEE, channel_id=pair.channel_id or "")
    view = opened_view(bot, before)
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs={inputs[0]["block_id"]: theme}))
    assert response.status == 200, response.text
    assert not response.body or response.json().get("response_action") != "errors", response.text
    bot.fake.wait_for(lambda f: any(p for p in _themes(bot)))
    bot.fake.wait_for(lambda f: any(theme in p["text"] for p in f.posts(pair.channel_id)))  # "roadmap updated"


def _themes(bot: RunningBot) -> list[str]:
    with session_scope(bot.engine) as session:
        return [r.theme for r in session.exec(select(RoadmapItem)) if r.theme]


def dm_texts(bot: RunningBot, channel: str, after: int) -> list[str]:
    return [p["text"] + " " + json.dumps(p.get("blocks") or []) for p in bot.fake.posts(channel)[after:]]


def test_scheduler_posts_after_boundaries_agreed_in_slack(bot: RunningBot) -> None:
    bot.deps.clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    assert agreed.first_meeting_on is not None
    set_first_theme_through_the_ui(bot, pair, "Negotiating a raise")
    channel = pair.channel_id or ""
    first = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC)
    # Thursdays 17:00 Berlin = 16:00 UTC in winter.
    start = first.replace(hour=16)

    seen = len(bot.fake.posts(channel))
    tick(start - timedelta(hours=3), bot.deps)
    assert not any("Negotiating a raise" in t for t in dm_texts(bot, channel, seen)), dm_texts(bot, channel, seen)
    tick(start - timedelta(minutes=50), bot.deps)
    reminders = [t for t in dm_texts(bot, channel, seen) if "Negotiating a raise" in t]
    assert len(reminders) == 1, dm_texts(bot, channel, seen)
    tick(start - timedelta(minutes=50), bot.deps)
    tick(start - timedelta(minutes=40), bot.deps)
    assert len([t for t in dm_texts(bot, channel, seen) if "Negotiating a raise" in t]) == 1

    seen = len(bot.fake.posts(channel))
    after = start + timedelta(minutes=60 + 15)
    tick(after, bot.deps)
    tick(after, bot.deps)
    posted = dm_texts(bot, channel, seen)
    questions = [t for t in posted if all(q in t for q in QUESTIONS.values())]
    assert len(questions) == 1, posted
    for verbatim in (
        "What was useful today?",
        "What are your next steps?",
        "What will you do, learn or explore before our next conversation?",
    ):
        assert verbatim in questions[0]


def test_contact_hours_hold_posts_until_the_next_allowed_time(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agree_through_the_ui(bot, pair)
    channel = pair.channel_id or ""
    seen = len(bot.fake.posts(channel))
    # Thursday 3 December 2026 17:00 Berlin meeting ends 18:00 Berlin; at 20:30 Berlin hours (08-20) are closed.
    late = datetime(2026, 12, 3, 19, 30, tzinfo=UTC)
    tick(late, bot.deps)
    for text in dm_texts(bot, channel, seen):
        assert "What was useful today?" not in text
    morning = datetime(2026, 12, 4, 7, 5, tzinfo=UTC)  # 08:05 Berlin
    tick(morning, bot.deps)
    assert any("What was useful today?" in t for t in dm_texts(bot, channel, seen))


# ---- the CLI ---------------------------------------------------------------------------------------


def run_cli(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MENTOR_", "DATABASE_URL", "PORT"))}
    base.update(env)
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=base, capture_output=True, text=True, timeout=60
    )


@pytest.mark.e2e
def test_cli_help_lists_commands(tmp_path: Path) -> None:
    result = run_cli(["--help"], tmp_path, {})
    assert result.returncode == 0 and "tick" in result.stdout


@pytest.mark.e2e
def test_cli_tick_twice_for_the_same_instant_posts_nothing_twice(bot: RunningBot, tmp_path: Path) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agree_through_the_ui(bot, pair)
    channel = pair.channel_id or ""
    env = {"SLACK_BOT_TOKEN": VALID_TOKEN, "SLACK_API_URL": bot.fake.api_url, "DATABASE_URL": str(bot.engine.url)}
    env["DATABASE_URL"] = bot.engine.url.render_as_string(hide_password=False)
    seen = len(bot.fake.posts(channel))
    for _ in range(2):
        result = run_cli(["tick", "--now", "2026-12-03T19:25:00+01:00"], tmp_path, env)
        assert result.returncode == 0, result.stderr
    assert len([t for t in dm_texts(bot, channel, seen) if "What was useful today?" in t]) == 1


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": VALID_TOKEN, "MENTOR_DEFAULT_TZ": "Mars/Olympus"}, "MENTOR_DEFAULT_TZ"),
        ({"SLACK_BOT_TOKEN": VALID_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "PORT": "eighty"}, "PORT"),
        ({"SLACK_BOT_TOKEN": VALID_TOKEN, "DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        ({"SLACK_BOT_TOKEN": VALID_TOKEN, "DATABASE_URL": "mysql://u@127.0.0.1/d"}, "DATABASE_URL"),
    ],
)
def test_cli_configuration_errors_exit_2_with_one_line_naming_the_variable(
    tmp_path: Path, env: dict[str, str], variable: str
) -> None:
    args = [] if variable == "PORT" else ["tick", "--now", "2026-12-03T10:00:00"]
    result = run_cli(args, tmp_path, env)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert variable in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


# ---- more edges a Slack user runs into --------------------------------------------------------------


def thread_reply(pair: Pair, user: str, text: str, thread_ts: str, ts: str) -> dict[str, Any]:
    """message.mpim thread reply as message_mpim_thread_reply.json shows it (parent_user_id = the bot)."""
    return {
        "type": "message",
        "client_msg_id": f"5f0c3d1e-0000-4000-8000-{int(float(ts) * 1000) % 10**12:012d}",
        "channel": pair.channel_id,
        "channel_type": "mpim",
        "user": user,
        "team": TEAM_ID,
        "text": text,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "Ab1Cd",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
            }
        ],
        "ts": ts,
        "thread_ts": thread_ts,
        "parent_user_id": BOT_USER_ID,
        "event_ts": ts,
    }


def open_items_of(bot: RunningBot, pair_id: int) -> list[str]:
    with session_scope(bot.engine) as session:
        return [i.text for i in session.exec(select(ActionItem).where(ActionItem.pair_id == pair_id))]


def test_thread_reply_to_the_questions_and_the_weekly_nudge(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    channel = pair.channel_id or ""
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start + timedelta(minutes=75), bot.deps)
    questions = next(m for m in bot.fake.messages(channel) if "What was useful today?" in m["text"])
    event = thread_reply(pair, MENTEE, "next steps: call Ana about the raise", questions["ts"], "1800001000.000100")
    # Slack retries an event it thinks was not acked: the same event_id arrives twice, handled once.
    assert bot.slack.event(event, event_id="Ev0THREAD1").status == 200
    retried = bot.slack.post(
        json.dumps(
            {
                "token": "x",
                "team_id": TEAM_ID,
                "enterprise_id": "E0001",
                "api_app_id": "A0001",
                "event": event,
                "type": "event_callback",
                "event_id": "Ev0THREAD1",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            }
        ),
        "application/json",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert retried.status == 200
    bot.fake.wait_for(lambda f: open_items_of(bot, pair.id or 0))
    bot.settle()
    assert open_items_of(bot, pair.id or 0) == ["call Ana about the raise"]

    # The next week's nudge (on the meeting weekday, within hours) lists the mentee's open step.
    seen = len(bot.fake.posts(channel))
    nudge_at = start + timedelta(days=7) - timedelta(hours=7)  # Thursday 10:00 Berlin
    tick(nudge_at, bot.deps)
    tick(nudge_at, bot.deps)
    nudges = [t for t in dm_texts(bot, channel, seen) if "call Ana about the raise" in t and f"<@{MENTEE}>" in t]
    assert len(nudges) == 1, dm_texts(bot, channel, seen)


def test_slow_slack_still_gets_every_request_acked_within_3_seconds(bot: RunningBot) -> None:
    bot.fake.inject("conversations.open", delay=3.5)
    started = time.monotonic()
    response = bot.slack.post(
        enterprise_command_body(bot.slack, f"pair <@{MENTOR}|maria> <@{MENTEE}|tom>", user_id=ADMIN),
        "application/x-www-form-urlencoded",
    )
    assert time.monotonic() - started < 3 and response.status == 200
    bot.fake.wait_for(lambda f: any(p.welcome_ts for p in all_pairs(bot)), timeout=10)
    pair = all_pairs(bot)[0]
    bot.fake.inject("views.open", delay=3.5)
    started = time.monotonic()
    response = bot.slack.post(
        enterprise_command_body(bot.slack, "boundaries", user_id=MENTOR, channel_id=pair.channel_id or ""),
        "application/x-www-form-urlencoded",
    )
    assert time.monotonic() - started < 3 and response.status == 200


def test_pairing_someone_with_themselves_or_an_unknown_user_creates_nothing(bot: RunningBot) -> None:
    seen = ask(bot, f"pair <@{MENTOR}|maria> <@{MENTOR}|maria>", user_id=ADMIN)
    assert "different" in seen.lower()
    bot.fake.inject("conversations.open", error="user_not_found")
    seen = ask(bot, f"pair <@{MENTOR}|maria> <@U0GHOST|ghost>", user_id=ADMIN)
    bot.settle()
    assert all_pairs(bot) == []
    assert bot.fake.posts() == []


def test_pending_pair_members_are_told_to_accept_first(bot: RunningBot) -> None:
    pair = pair_via_command(bot, MENTOR, MENTEE)
    before = db_snapshot(bot)
    views = len(bot.fake.calls("views.open"))
    seen = ask(bot, "goals", user_id=MENTEE, channel_id=pair.channel_id or "")
    assert "accept" in seen.lower(), seen
    assert len(bot.fake.calls("views.open")) == views and db_snapshot(bot) == before


def test_ended_pair_members_can_no_longer_use_it(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = len(bot.fake.responses())
    ack = command(bot, "end", user_id=MENTOR, channel_id=pair.channel_id or "")
    blocks = ack.get("blocks") or bot.fake.wait_for_responses(before + 1)[before]["blocks"]
    confirm = next(
        e
        for b in blocks
        for e in (b.get("elements") or [b.get("accessory") or {}])
        if "confirm" in e.get("action_id", "")
    )
    click(bot, MENTOR, confirm["action_id"], confirm["value"], channel=pair.channel_id or "", ts="1.000100")
    bot.fake.wait_for(lambda f: all_pairs(bot)[0].status == "ended")
    views = len(bot.fake.calls("views.open"))
    seen = ask(bot, "goals", user_id=MENTEE, channel_id=pair.channel_id or "")
    assert "not" in seen.lower()
    assert len(bot.fake.calls("views.open")) == views


def test_export_goes_only_to_the_caller(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    command(bot, "export", user_id=MENTEE, channel_id=pair.channel_id or "")
    (done,) = bot.fake.wait_for_calls("files.completeUploadExternal")
    assert done.args.get("channel_id") != pair.channel_id
    opens = [c for c in bot.fake.calls("conversations.open") if c.args.get("users") == MENTEE]
    assert opens, [c.args for c in bot.fake.calls("conversations.open")]


def test_wrapup_posts_the_three_questions_into_the_pair_dm_now(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agree_through_the_ui(bot, pair)
    seen = len(bot.fake.posts(pair.channel_id))
    command(bot, "wrapup", user_id=MENTEE, channel_id=pair.channel_id or "")
    posted = bot.fake.wait_for(
        lambda f: [t for t in dm_texts(bot, pair.channel_id or "", seen) if "What was useful today?" in t]
    )
    assert len(posted) == 1
    for question in QUESTIONS.values():
        assert question in posted[0]


def test_oversized_command_text_is_refused_plainly(bot: RunningBot) -> None:
    ack = command(bot, "pair " + "<@U0MENTOR> " * 1000, user_id=ADMIN)
    assert ack.get("response_type") == "ephemeral" and "too long" in ack["text"]
    assert all_pairs(bot) == []


def test_posts_outside_a_members_contact_hours_wait_for_the_next_allowed_time(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    narrow = dict(BOUNDARIES, mentee_contact_start="09:00", mentee_contact_end="10:00", mentee_tz="America/New_York")
    agreed = agree_through_the_ui(bot, pair, narrow)
    channel = pair.channel_id or ""
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    seen = len(bot.fake.posts(channel))
    # The mentee's hours are 14:00-15:00 UTC; the meeting is 16:00-17:00 UTC.
    for instant in (
        start - timedelta(minutes=59),
        start + timedelta(minutes=75),
        start + timedelta(hours=20, minutes=55),
    ):
        tick(instant, bot.deps)
        posted = dm_texts(bot, channel, seen)
        assert not any("What was useful today?" in t for t in posted), (instant, posted)
    assert len(posted) <= 1  # at most the reminder, sent while the mentee's hours were open
    for text in posted:
        assert "What was useful today?" not in text
    tick(start + timedelta(hours=22, minutes=5), bot.deps)  # 09:05 New York the next day
    assert any("What was useful today?" in t for t in dm_texts(bot, channel, seen))


def test_the_home_tab_shows_a_members_pair_and_its_buttons_work(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agree_through_the_ui(bot, pair)
    envelope = json.loads((ROOT / "tests" / "fixtures" / "app_home_opened.json").read_text())
    envelope["event"]["user"] = MENTEE
    envelope["event_time"] = int(time.time())
    envelope["event_id"] = "Ev0HOME2"
    assert bot.slack.post(json.dumps(envelope), "application/json").status == 200
    home = bot.fake.wait_for_calls("views.publish")[-1].args["view"]
    home = dict(home, id="V0HOME1", type="home")
    buttons = [
        e
        for b in home["blocks"]
        for e in (b.get("elements") or []) + ([b["accessory"]] if "accessory" in b else [])
        if e.get("type") == "button" and "url" not in e
    ]
    assert f"<@{MENTOR}>" in json.dumps(home["blocks"])  # the home tab names the member's partner
    for button in buttons:
        payload = view_action(user_id=MENTEE, view=home, action_id=button["action_id"], value=button.get("value", ""))
        payload["container"] = {"type": "view", "view_id": "V0HOME1"}
        response = bot.slack.interactive(payload)
        assert response.status == 200, (button["action_id"], response.text)
    bot.settle()
    errors = [c for c in bot.fake.calls() if c.method == "chat.postEphemeral" and "went wrong" in str(c.args)]
    assert not errors, errors


@pytest.mark.parametrize("sub", ["prework", "boundaries", "goals", "roadmap", "actions", "wrapup"])
def test_an_admin_outside_the_pair_sees_none_of_its_member_only_screens(bot: RunningBot, sub: str) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agree_through_the_ui(bot, pair)
    before = db_snapshot(bot)
    views, posts = len(bot.fake.calls("views.open")), len(bot.fake.posts())
    seen = ask(bot, sub, user_id=ADMIN, channel_id=pair.channel_id or "")
    if sub == "goals":  # admins get the program view: counts only, no titles, no modal
        assert "active goals" in seen, seen
    else:
        assert "not" in seen.lower() or "themselves" in seen.lower(), seen
    # A crafted pair picker naming the pair is refused the same way.
    value = json.dumps({"c": sub, "p": pair.id, "a": ""})
    from blocks.pairing import choice_value

    value = choice_value(sub, pair.id or 0)
    before_replies = len(bot.fake.responses())
    click(bot, ADMIN, "choose_pair", value, channel="C0001", ts="1.000100")
    bot.fake.wait_for_responses(before_replies + 1)
    bot.settle()
    assert len(bot.fake.calls("views.open")) == views and len(bot.fake.posts()) == posts
    assert db_snapshot(bot) == before


def _submit_oversized(bot: RunningBot, user: str, view: dict[str, Any], size: int) -> dict[str, Any]:
    inputs = {
        b["block_id"]: "x" * size
        for b in view["blocks"]
        if b["type"] == "input" and b["element"]["type"] == "plain_text_input"
    }
    response = bot.slack.interactive(view_submission(user_id=user, view=view, inputs=inputs))
    assert response.status == 200, response.text
    return response.json() if response.body else {}


def test_oversized_prework_and_import_text_are_field_errors_and_save_nothing(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    posts = len(bot.fake.posts())
    for user, sub, channel in ((MENTEE, "prework", pair.channel_id or ""), (ADMIN, "import", "C0001")):
        views = len(bot.fake.calls("views.open"))
        command(bot, sub, user_id=user, channel_id=channel)
        view = opened_view(bot, views)
        answer = _submit_oversized(bot, user, view, 20000)
        assert answer.get("response_action") == "errors", (sub, answer)
        input_ids = {b["block_id"] for b in view["blocks"] if b["type"] == "input"}
        assert answer["errors"] and set(answer["errors"]) <= input_ids, answer
    bot.settle()
    assert db_snapshot(bot) == before and len(bot.fake.posts()) == posts


def test_submissions_with_missing_or_broken_state_change_nothing(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    # (Not the roadmap: a theme missing from the state falls back, by design, to the suggestion it was shown with.)
    for sub in ("boundaries", "prework", "goals"):
        views = len(bot.fake.calls("views.open"))
        command(bot, sub, user_id=MENTEE, channel_id=pair.channel_id or "")
        view = opened_view(bot, views)
        for state in (None, {}, {"values": None}, {"values": {"x": {"y": {"type": "plain_text_input"}}}}):
            payload = view_submission(user_id=MENTEE, view=view, inputs={})
            if state is None:
                payload["view"].pop("state")
            else:
                payload["view"]["state"] = state
            assert bot.slack.interactive(payload).status < 500, (sub, state)
        payload = view_submission(user_id=MENTEE, view=view, inputs={})
        payload["view"]["private_metadata"] = "{not json"
        assert bot.slack.interactive(payload).status < 500, sub
    bot.settle()
    assert db_snapshot(bot) == before


def test_a_second_pair_of_the_same_two_people_is_refused(bot: RunningBot) -> None:
    started(bot, pair_via_command(bot, MENTOR, MENTEE))
    opens = len(bot.fake.calls("conversations.open"))
    for text in (f"pair <@{MENTOR}> <@{MENTEE}>", f"pair <@{MENTEE}|tom> <@{MENTOR}|maria>"):
        seen = ask(bot, text, user_id=ADMIN)
        assert "already" in seen.lower(), seen
    assert len(all_pairs(bot)) == 1 and len(bot.fake.calls("conversations.open")) == opens


def test_interactions_claiming_another_workspace_are_refused(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    payload = block_action(
        user_id=MENTOR,
        action_id="pair_end_confirm",
        value=str(pair.id),
        channel_id=pair.channel_id or "",
        response_url=bot.fake.response_url("action"),
        team_id="T0OTHER",
    )
    assert bot.slack.interactive(payload).status == 200
    bot.settle()
    assert db_snapshot(bot) == before


@pytest.mark.e2e
def test_cli_tick_without_now_uses_the_current_time_and_real_env_beats_dotenv(bot: RunningBot, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=not-a-token\nDATABASE_URL=nonsense://\n")
    env = {
        "SLACK_BOT_TOKEN": VALID_TOKEN,
        "SLACK_API_URL": bot.fake.api_url,
        "DATABASE_URL": bot.engine.url.render_as_string(hide_password=False),
    }
    result = run_cli(["tick"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    result = run_cli(["tick", "--now", "2026-12-03T19:25:00Z"], tmp_path, env)
    assert result.returncode == 0, result.stderr


def test_answering_the_questions_through_the_button_and_an_oversized_answer(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start + timedelta(minutes=75), bot.deps)
    channel = pair.channel_id or ""
    questions = next(m for m in bot.fake.messages(channel) if "What was useful today?" in m["text"])
    answer = next(
        e for b in questions["blocks"] for e in b.get("elements") or [] if e.get("action_id") == "checkin_answer"
    )
    bot.fake.inject("views.open", delay=3.5)  # a slow Slack must not delay the ack of the click
    views = len(bot.fake.calls("views.open"))
    click(bot, MENTEE, "checkin_answer", answer["value"], channel=channel, ts=questions["ts"])
    view = opened_view(bot, views)
    before = db_snapshot(bot)
    inputs = {b["block_id"]: "z" * 20000 for b in view["blocks"] if b["type"] == "input"}
    response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs=inputs))
    assert response.status == 200 and response.json()["response_action"] == "errors", response.text
    assert db_snapshot(bot) == before
    # An outsider submitting the same modal is refused.
    good = {b["block_id"]: "Practise the pitch" for b in view["blocks"] if b["type"] == "input"}
    response = bot.slack.interactive(view_submission(user_id=OTHER, view=view, inputs=good))
    assert response.status == 200 and response.json()["response_action"] == "errors", response.text
    bot.settle()
    assert db_snapshot(bot) == before
    # The member's answer is saved.
    response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs=good))
    assert response.status == 200 and not (response.body and response.json().get("response_action") == "errors")
    bot.fake.wait_for(lambda f: db_snapshot(bot) != before)


def test_reminder_without_a_theme_still_reminds_and_names_no_placeholder(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    channel = pair.channel_id or ""
    seen = len(bot.fake.posts(channel))
    tick(start - timedelta(minutes=55), bot.deps)
    posted = dm_texts(bot, channel, seen)
    assert len(posted) == 1, posted
    for junk in ("None", "null"):
        assert junk not in bot.fake.posts(channel)[-1]["text"], posted


def _latest_view_call(bot: RunningBot, before: int) -> dict[str, Any]:
    """The newest view the bot opened or pushed after ``before`` calls of either."""

    def views(f: FakeSlack) -> list[Any]:
        return [c for c in f.calls() if c.method in ("views.open", "views.push")]

    call = bot.fake.wait_for(lambda f: len(views(f)) > before and views(f))[-1]
    return dict(call.args["view"], id=f"V{before:04d}")


def _view_count(bot: RunningBot) -> int:
    return len([c for c in bot.fake.calls() if c.method in ("views.open", "views.push")])


def test_oversized_text_in_every_other_modal_is_a_field_error(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    channel = pair.channel_id or ""
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start - timedelta(minutes=55), bot.deps)
    modals: list[tuple[str, dict[str, Any]]] = []

    n = _view_count(bot)
    command(bot, "roadmap", user_id=MENTEE, channel_id=channel)
    modals.append(("roadmap", _latest_view_call(bot, n)))

    n = _view_count(bot)
    command(bot, "goals", user_id=MENTEE, channel_id=channel)
    goals = _latest_view_call(bot, n)
    n = _view_count(bot)
    bot.slack.interactive(view_action(user_id=MENTEE, view=goals, action_id="goals_add", value=str(pair.id)))
    modals.append(("goal", _latest_view_call(bot, n)))

    n = _view_count(bot)
    click(bot, MENTEE, "items_add", str(pair.id), channel=channel, ts="1.000100")
    modals.append(("items", _latest_view_call(bot, n)))

    reminder = bot.fake.messages(channel)[-1]
    move = next(e for b in reminder["blocks"] for e in b.get("elements") or [] if e.get("action_id") == "meeting_move")
    n = _view_count(bot)
    click(bot, MENTEE, "meeting_move", move["value"], channel=channel, ts=reminder["ts"])
    modals.append(("move", _latest_view_call(bot, n)))

    before = db_snapshot(bot)
    for name, view in modals:
        texts = [b for b in view["blocks"] if b["type"] == "input" and b["element"]["type"] == "plain_text_input"]
        if not texts:
            continue
        inputs = {b["block_id"]: "w" * 20000 for b in texts}
        response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs=inputs))
        assert response.status == 200, (name, response.text)
        answer = response.json() if response.body else {}
        assert answer.get("response_action") == "errors", (name, answer)
        bot.settle()
        assert db_snapshot(bot) == before, name


def test_an_item_line_longer_than_an_item_may_be_is_a_field_error_not_cut_short(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    n = _view_count(bot)
    click(bot, MENTEE, "items_add", str(pair.id), channel=pair.channel_id or "", ts="1.000100")
    view = _latest_view_call(bot, n)
    before = db_snapshot(bot)
    text = "Read the negotiation book\n" + "Practise " * 70  # 630 characters on one line; the field takes 3000
    response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs={"items_text": text}))
    answer = response.json() if response.body else {}
    assert answer.get("response_action") == "errors" and "Line 2" in answer["errors"]["items_text"], answer
    bot.settle()
    assert db_snapshot(bot) == before


@pytest.mark.parametrize("mentions", ["<@{m}|maria> <@{e}|tom>", "<@{e}> <@{m}>"])
def test_an_admin_ends_a_pair_by_naming_both_after_confirming(bot: RunningBot, mentions: str) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = len(bot.fake.responses())
    ack = command(bot, "end " + mentions.format(m=MENTOR, e=MENTEE), user_id=ADMIN)
    blocks = ack.get("blocks") or bot.fake.wait_for_responses(before + 1)[before]["blocks"]
    buttons = [e for b in blocks for e in (b.get("elements") or [b.get("accessory") or {}]) if e.get("action_id")]
    assert {"pair_end_confirm", "pair_end_cancel"} <= {e["action_id"] for e in buttons}, blocks
    assert all_pairs(bot)[0].status == "active"
    confirm = next(e for e in buttons if e["action_id"] == "pair_end_confirm")
    click(bot, ADMIN, "pair_end_confirm", confirm["value"], channel="C0001", ts="1.000100")
    bot.fake.wait_for(lambda f: all_pairs(bot)[0].status == "ended")
    # The members hear about it in their pair DM.
    bot.fake.wait_for(lambda f: any("end" in p["text"].lower() for p in f.posts(pair.channel_id)[2:]))


def test_the_second_meetings_reminder_names_the_second_theme(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    agreed = agree_through_the_ui(bot, pair)
    n = len(bot.fake.calls("views.open"))
    command(bot, "roadmap", user_id=MENTEE, channel_id=pair.channel_id or "")
    view = opened_view(bot, n)
    ids = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    inputs = {ids[0]: "Where I am now", ids[1]: "Salary talks"}
    response = bot.slack.interactive(view_submission(user_id=MENTEE, view=view, inputs=inputs))
    assert not response.body or response.json().get("response_action") != "errors", response.text
    bot.fake.wait_for(lambda f: "Salary talks" in _themes(bot))
    bot.fake.wait_for(lambda f: any("Salary talks" in p["text"] for p in f.posts(pair.channel_id)))
    channel = pair.channel_id or ""
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start - timedelta(minutes=55), bot.deps)
    tick(start + timedelta(minutes=75), bot.deps)
    seen = len(bot.fake.posts(channel))
    tick(start + timedelta(days=7, minutes=-55), bot.deps)
    posted = dm_texts(bot, channel, seen)
    reminders = [t for t in posted if "Salary talks" in t]
    assert len(reminders) == 1 and "Where I am now" not in reminders[0], posted


def test_import_pairs_many_lines_in_every_way_people_name_someone(bot: RunningBot) -> None:
    bot.fake.add_user(SECOND_MENTEE, name="sam", tz="Europe/Paris")
    bot.fake.add_user("U0THIRD", name="tia", tz="UTC")
    n = len(bot.fake.calls("views.open"))
    command(bot, "import", user_id=ADMIN)
    view = opened_view(bot, n)
    block = next(b["block_id"] for b in view["blocks"] if b["type"] == "input")
    lines = "\n".join(
        [
            f"<@{MENTOR}|maria>, <@{MENTEE}>",
            f"<@{MENTOR}>,<@{SECOND_MENTEE}|sam>",
            "olga@example.com, tia@example.com",
            "nobody-here, <@U0THIRD>",
        ]
    )
    response = bot.slack.interactive(view_submission(user_id=ADMIN, view=view, inputs={block: lines}))
    assert response.status == 200
    bot.fake.wait_for(lambda f: len([p for p in all_pairs(bot) if p.welcome_ts]) == 3, timeout=10)
    made = {(p.mentor_id, p.mentee_id) for p in all_pairs(bot)}
    assert made == {(MENTOR, MENTEE), (MENTOR, SECOND_MENTEE), (OTHER, "U0THIRD")}
    for call in bot.fake.calls("conversations.open"):
        assert len(call.args["users"].split(",")) == 2 or call.args["users"] == ADMIN  # pair DMs; the admin's report
    report = bot.fake.wait_for(lambda f: [p for p in f.posts() if "line 4" in p["text"]])
    assert "nobody-here" in report[0]["text"] or "line 4" in report[0]["text"]


def test_a_nudge_in_the_pair_dm_waits_for_hours_both_members_share(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    # Mentor 08:00-20:00 Berlin (07-19 UTC); mentee 09:00-17:00 New York (14-22 UTC): shared 14:00-19:00 UTC.
    hours = dict(BOUNDARIES, mentee_contact_start="09:00", mentee_contact_end="17:00", mentee_tz="America/New_York")
    agreed = agree_through_the_ui(bot, pair, hours)
    channel = pair.channel_id or ""
    start = datetime.combine(agreed.first_meeting_on, datetime.min.time(), tzinfo=UTC).replace(hour=16)  # type: ignore[arg-type]
    tick(start + timedelta(minutes=75), bot.deps)
    questions = next(m for m in bot.fake.messages(channel) if "What was useful today?" in m["text"])
    for user, text, ts in (
        (MENTEE, "next steps: call Ana", "1800002000.000100"),
        (MENTOR, "next: intro to Bo", "1800002000.000200"),
    ):
        bot.slack.event(thread_reply(pair, user, text, questions["ts"], ts))
    bot.fake.wait_for(lambda f: len(open_items_of(bot, pair.id or 0)) == 2)
    bot.fake.wait_for(lambda f: any(p["text"].startswith("You both answered") for p in f.posts(channel)))
    seen = len(bot.fake.posts(channel))
    next_week = start + timedelta(days=7)
    tick(next_week.replace(hour=7, minute=5), bot.deps)  # 08:05 Berlin, 02:05 New York: the mentee is asleep
    assert not [t for t in dm_texts(bot, channel, seen) if "call Ana" in t or "intro to Bo" in t]
    tick(next_week.replace(hour=14, minute=5), bot.deps)  # 15:05 Berlin, 09:05 New York
    posted = dm_texts(bot, channel, seen)
    assert [t for t in posted if "call Ana" in t] and [t for t in posted if "intro to Bo" in t], posted
