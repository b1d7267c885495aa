"""One Slack user's hands, used by every test: pair, accept, run a command, submit a modal, press a button, reply
in a thread, tick, run the CLI.

Rows a test needs as a starting point (an active pair) are written directly; everything a member does
goes through correctly signed requests to the running bot (``bot.slack``), shaped like Slack's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from blocks import goals as ui
from mentoring import goals
from mentoring.boundaries import boundaries_history
from mentoring.goals import GoalCreate
from storage.db import session_scope
from storage.models import (
    ActionItem,
    Boundaries,
    BoundariesStatus,
    Goal,
    Outbox,
    Pair,
    PairStatus,
    Prework,
    RoadmapItem,
)
from tests.support.fake_slack import BOT_ID, BOT_USER_ID, TEAM_ID, FakeSlack
from tests.support.payloads import block_action, view_action, view_submission
from tests.support.slack_requests import SlackSender

if TYPE_CHECKING:
    from tests.conftest import RunningBot
    from tests.support.slack_requests import HttpResponse

ADMIN = "U0ADMIN"
MENTOR = "U0MENTOR"
MENTEE = "U0MENTEE"
PAIR_DM = "G0PAIRDM01"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday; the injected clock starts here
REPO = Path(__file__).resolve().parents[2]
GOALS_DM = "GPAIRMM01"
#: The three pre-work questions answered.
PREWORK_ANSWERS = {
    "wants": "Get better at giving feedback",
    "brings": "Ten years of backend work & a story about a failed launch",
    "expects": "Honest feedback, <!channel> kept out",
}
#: The SMART goal form filled in.
GOAL_INPUTS = {
    "specific_title": "Give a 10-minute talk at the team demo",
    "specific_description": "About the new build pipeline",
    "measurable": "Talk given; three questions answered",
    "achievable": "Two rehearsals with my mentor",
    "relevant": "I want to present with confidence",
    "time_bound": "2026-12-31",
}
SECOND_MENTEE = "U0SECOND"
#: Contact hours 08:00–20:00 Berlin time for both members.
DAYTIME_IN_BERLIN = {
    "mentor_contact_start": "08:00",
    "mentor_contact_end": "20:00",
    "mentor_tz": "Europe/Berlin",
    "mentee_contact_start": "08:00",
    "mentee_contact_end": "20:00",
    "mentee_tz": "Europe/Berlin",
}
#: Boundaries as the mentor proposes them through the modal: weekly, Thursday 17:00 Berlin, 08–20 contact hours.
BOUNDARIES = {
    "frequency": "weekly",
    "weekday": "3",  # Thursday
    "start_time": "17:00",
    "duration_minutes": "60",
    "timezone": "Europe/Berlin",
    "location": "Video call",
    "contact_method": "Slack, in this DM",
    **DAYTIME_IN_BERLIN,
    "mentor_role": "Listen, ask, share experience",
    "mentee_role": "Set the agenda, follow through",
    "expectations": "We both come prepared",
    "scope_in": "Career growth",
    "scope_out": "",
    "notes": "",
}


def boundaries_inputs(**changes: str) -> dict[str, str]:
    """The boundaries modal filled in: ``BOUNDARIES`` with ``changes``."""
    return {**BOUNDARIES, **changes}


#: Every other Tuesday at 10:00 Berlin; contact hours 09–17 Berlin for the mentor, 08–12 New York for the mentee.
BIWEEKLY_BOUNDARIES = boundaries_inputs(
    frequency="biweekly",
    weekday="1",
    start_time="10:00",
    location="https://meet.example.com/abc?x=1&y=2",
    mentor_contact_start="09:00",
    mentor_contact_end="17:00",
    mentee_contact_end="12:00",
    mentee_tz="America/New_York",
    scope_in="Career growth, feedback",
)


# ---- a pair to start from ------------------------------------------------------------------------


def add_pair(
    session: Session,
    *,
    mentor: str = MENTOR,
    mentee: str = MENTEE,
    channel: str = PAIR_DM,
    status: str = PairStatus.ACTIVE,
    team_id: str = TEAM_ID,
    accepted: bool = True,
    created_at: datetime = NOW,
) -> Pair:
    """A pair row in ``session`` (flushed, so it has its id); active and accepted by both unless told."""
    pair = Pair(
        team_id=team_id,
        mentor_id=mentor,
        mentee_id=mentee,
        channel_id=channel,
        status=status,
        mentor_accepted=accepted,
        mentee_accepted=accepted,
        created_by=ADMIN,
        created_at=created_at,
    )
    session.add(pair)
    session.flush()
    return pair


def add_prework(session: Session, pair: Pair, user: str, *, wants: str, brings: str, expects: str) -> Prework:
    """``user``'s pre-work for ``pair``, written at ``NOW``."""
    prework = Prework(
        team_id=pair.team_id,
        pair_id=pair.id,
        user_id=user,
        wants=wants,
        brings=brings,
        expects=expects,
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(prework)
    return prework


def make_pair(engine: Engine, **fields: Any) -> Pair:
    """``add_pair`` in a unit of work of its own."""
    with session_scope(engine) as session:
        return add_pair(session, **fields)


# ---- pairing and accepting the way users do --------------------------------------------------------


def all_pairs(bot: RunningBot) -> list[Pair]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Pair).order_by(Pair.id)))


def pair_via_command(bot: RunningBot, mentor: str = MENTOR, mentee: str = MENTEE) -> Pair:
    """``/mentor pair`` by the admin; waits until the welcome is in the new group DM."""
    response = bot.slack.command(f"pair <@{mentor}|m> <@{mentee}>", user_id=ADMIN)
    assert response.status == 200
    assert "Pairing" in response.json()["text"], response.json()

    def made() -> Pair | None:
        return next(
            (p for p in all_pairs(bot) if (p.mentor_id, p.mentee_id) == (mentor, mentee) and p.welcome_ts), None
        )

    bot.fake.wait_for(lambda f: made())
    pair = made()
    assert pair is not None
    return pair


def click_welcome(bot: RunningBot, pair: Pair, user: str, action_id: str, value: str | None = None) -> None:
    message = next(m for m in bot.fake.messages(pair.channel_id or "") if m["ts"] == pair.welcome_ts)
    payload = block_action(
        user_id=user,
        action_id=action_id,
        value=value if value is not None else str(pair.id),
        channel_id=pair.channel_id or "",
        message={"type": "message", "ts": message["ts"], "text": message["text"], "blocks": message["blocks"]},
        response_url=bot.fake.response_url("action"),
    )
    assert bot.slack.interactive(payload).status == 200


def activate(bot: RunningBot, pair: Pair) -> Pair:
    """Both members press Accept; returns the now active pair."""
    click_welcome(bot, pair, pair.mentor_id, "pair_accept")
    click_welcome(bot, pair, pair.mentee_id, "pair_accept")
    bot.fake.wait_for(lambda f: any(p.id == pair.id and p.status == PairStatus.ACTIVE for p in all_pairs(bot)))
    return next(p for p in all_pairs(bot) if p.id == pair.id)


def active_pair(bot: RunningBot, mentor: str, mentee: str) -> Pair:
    """An active pair with its group DM, made the way users make one."""
    return activate(bot, pair_via_command(bot, mentor, mentee))


# ---- buttons and modals -------------------------------------------------------------------------------


def press(
    bot: RunningBot,
    user: str,
    action_id: str,
    value: str,
    message: dict[str, Any] | None = None,
    channel: str = PAIR_DM,
) -> None:
    """Press a button in a message (the fake's ``_args`` bookkeeping left out, as Slack would)."""
    payload = block_action(
        user_id=user,
        action_id=action_id,
        value=value,
        channel_id=channel,
        message={k: v for k, v in message.items() if k != "_args"} if message else None,
        response_url=bot.fake.response_url("action"),
    )
    assert bot.slack.interactive(payload).status == 200


def at_once(*sends: Callable[[], Any]) -> list[Any]:
    """Run the sends (signed requests) in threads released together by a barrier; their results in order."""
    barrier = threading.Barrier(len(sends))
    results: list[Any] = [None] * len(sends)
    errors: list[BaseException] = []

    def run(index: int, send: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=5)
            results[index] = send()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(sends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not errors, errors
    return results


def press_in_view(bot: RunningBot, user: str, view: dict[str, Any], action_id: str, value: str = "") -> HttpResponse:
    """Press a button inside a modal."""
    response = bot.slack.interactive(view_action(user_id=user, view=view, action_id=action_id, value=value))
    assert response.status == 200
    return response


def send_submission(bot: RunningBot, user: str, view: dict[str, Any], inputs: dict[str, Any]) -> HttpResponse:
    """Submit a modal with these inputs; the raw answer."""
    return bot.slack.interactive(view_submission(user_id=user, view=view, inputs=inputs))


def submit(bot: RunningBot, user: str, view: dict[str, Any], inputs: dict[str, Any]) -> Any:
    """Submit a modal; the answer's JSON (``response_action`` …), or None for a plain ack that closes it."""
    response = send_submission(bot, user, view, inputs)
    assert response.status == 200, response.text
    return response.json() if response.body else None


def opened_and_accepted(bot: RunningBot, before: int) -> dict[str, Any]:
    """The view the bot opened after ``before`` views.open calls, once the fake accepted it (it rejects views
    breaking Slack's limits)."""
    call = bot.fake.wait_for_calls("views.open", before + 1)[-1]
    view = call.args["view"]
    stored = [
        v
        for v in bot.fake.state.views.values()
        if v.get("callback_id") == view["callback_id"] and v.get("private_metadata") == view.get("private_metadata")
    ]
    assert stored, "views.open was rejected"
    return view


def open_modal(bot: RunningBot, user: str, channel: str = PAIR_DM, *, command: str) -> dict[str, Any]:
    """``/mentor <command>`` by ``user`` in ``channel``, which opens a modal; the modal."""
    before = len(bot.fake.calls("views.open"))
    assert bot.slack.command(command, user_id=user, channel_id=channel).status == 200
    return opened_and_accepted(bot, before)


def versions(bot: RunningBot, pair: Pair) -> list[Boundaries]:
    with session_scope(bot.engine) as session:
        return boundaries_history(session, pair.id or 0)


def wait_for_version(bot: RunningBot, pair: Pair, version: int, status: str | None = None) -> Boundaries:
    def ready(_: FakeSlack) -> Boundaries | None:
        for row in versions(bot, pair):
            if row.version == version and (status is None or row.status == status) and row.proposal_ts:
                return row
        return None

    return bot.fake.wait_for(ready)


# ---- the clock and the command line -----------------------------------------------------------------


def tick_at(bot: RunningBot, instant: datetime) -> None:
    """Move the injected clock to ``instant`` and run one scheduler pass there."""
    from scheduler.tick import tick

    bot.deps.clock.set(instant)  # type: ignore[attr-defined]
    tick(bot.deps.now(), bot.deps)


def cli_env(**extra: str) -> dict[str, str]:
    """This process's environment without the bot's own settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MENTOR_", "DATABASE_URL", "PORT"))}
    env.update(extra)
    return env


def run_cli(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m bot <args>`` as an operator runs it, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# ---- as Slack sends it: Enterprise Grid fields, the 3-second ack, the UI end to end -----------------------


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


def run_command(bot: RunningBot, text: str, *, user_id: str, channel_id: str = "C0001") -> dict[str, Any]:
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
    return answer_text(bot, run_command(bot, text, user_id=user_id, channel_id=channel_id), before)


def tick_and_press(
    bot: RunningBot, user: str, blocks: list[dict[str, Any]], ticked: list[int], *, channel: str = PAIR_DM
) -> None:
    """Tick options of the checkboxes in an ephemeral message (by position) and press its button, as Slack sends
    it: the ticks arrive in ``state.values``, the container says ``is_ephemeral``."""
    lines = next(b for b in blocks if b["type"] == "actions" and b["elements"][0]["type"] == "checkboxes")
    checkboxes = lines["elements"][0]
    button = next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["type"] == "button")
    message = {"type": "message", "ts": "1800000999.000100", "text": "", "blocks": blocks}
    payload = block_action(
        user_id=user,
        action_id=button["action_id"],
        value=button.get("value", ""),
        channel_id=channel,
        message=message,
        response_url=bot.fake.response_url("action"),
    )
    payload["container"]["is_ephemeral"] = True
    chosen = [checkboxes["options"][i] for i in ticked]
    payload["state"] = {
        "values": {lines["block_id"]: {checkboxes["action_id"]: {"type": "checkboxes", "selected_options": chosen}}}
    }
    assert bot.slack.interactive(payload).status == 200


def press_in_message(bot: RunningBot, user: str, action_id: str, value: str, *, channel: str, ts: str) -> None:
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


def agree_through_the_ui(bot: RunningBot, pair: Pair, inputs: dict[str, str] | None = None) -> Boundaries:
    before = len(bot.fake.calls("views.open"))
    run_command(bot, "boundaries", user_id=MENTOR, channel_id=pair.channel_id or "")
    view = opened_view(bot, before)
    response = bot.slack.interactive(view_submission(user_id=MENTOR, view=view, inputs=inputs or BOUNDARIES))
    assert response.status == 200 and not response.body, response.text

    def proposed(_: FakeSlack) -> Boundaries | None:
        with session_scope(bot.engine) as session:
            return session.exec(select(Boundaries).where(Boundaries.proposal_ts.is_not(None))).first()  # type: ignore[union-attr]

    row = bot.fake.wait_for(proposed)
    channel, ts = pair.channel_id or "", row.proposal_ts or ""
    press_in_message(bot, MENTEE, "boundaries_agree", str(row.id), channel=channel, ts=ts)

    def agreed(_: FakeSlack) -> Boundaries | None:
        with session_scope(bot.engine) as session:
            return session.exec(select(Boundaries).where(Boundaries.status == BoundariesStatus.AGREED)).first()

    row = bot.fake.wait_for(agreed)
    bot.fake.wait_for(lambda f: any(p["text"].startswith("Boundaries agreed") for p in f.posts(pair.channel_id)))
    bot.fake.wait_for_calls("files.completeUploadExternal")  # the .ics, the last thing the agreement does
    return row


def dm_texts(bot: RunningBot, channel: str, after: int) -> list[str]:
    return [p["text"] + " " + json.dumps(p.get("blocks") or []) for p in bot.fake.posts(channel)[after:]]


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


def latest_view_call(bot: RunningBot, before: int) -> dict[str, Any]:
    """The newest view the bot opened or pushed after ``before`` calls of either."""

    def views(f: FakeSlack) -> list[Any]:
        return [c for c in f.calls() if c.method in ("views.open", "views.push")]

    call = bot.fake.wait_for(lambda f: len(views(f)) > before and views(f))[-1]
    return dict(call.args["view"], id=f"V{before:04d}")


def view_count(bot: RunningBot) -> int:
    return len([c for c in bot.fake.calls() if c.method in ("views.open", "views.push")])


# ---- the goals screens ---------------------------------------------------------------------------------


def add_goals(engine: Engine, pair: Pair, count: int, *, title: str = "Goal {n:02d}", due: date | None = None) -> None:
    with session_scope(engine) as session:
        for n in range(count):
            goal_in = GoalCreate(
                title=title.format(n=n),
                measurable="m",
                achievable="a",
                relevant="r",
                due_on=due or date(2026, 12, 1) + timedelta(days=n),
            )
            made = goals.create_goal(session=session, pair=pair, goal_in=goal_in, by=MENTEE, now=NOW, max_active=100)
            assert isinstance(made, Goal)


def stored_goals(engine: Engine) -> list[Goal]:
    with session_scope(engine) as session:
        return list(session.exec(select(Goal).order_by(Goal.id)))


def newest_view(bot: RunningBot) -> dict[str, Any]:
    return bot.fake.state.views[max(bot.fake.state.views)]


def open_goals(bot: RunningBot, user: str = MENTEE, channel: str = GOALS_DM) -> dict[str, Any]:
    before = len(bot.fake.calls("views.open"))
    response = bot.slack.command("goals", user_id=user, channel_id=channel)
    assert response.status == 200
    bot.fake.wait_for_calls("views.open", before + 1)
    view = newest_view(bot)
    assert view["callback_id"] == ui.LIST_CALLBACK
    return view


def click_push(bot: RunningBot, user: str, view: dict[str, Any], action_id: str, value: str = "") -> dict[str, Any]:
    """Click a button in ``view`` that pushes a new modal; return the pushed view."""
    before = len(bot.fake.calls("views.push"))
    press_in_view(bot, user, view, action_id, value)
    bot.fake.wait_for_calls("views.push", before + 1)
    return newest_view(bot)


def click_update(bot: RunningBot, user: str, view: dict[str, Any], action_id: str, value: str = "") -> dict[str, Any]:
    """Click a button in ``view`` that updates a modal in place; return that modal as it is now."""
    before = len(bot.fake.calls("views.update"))
    press_in_view(bot, user, view, action_id, value)
    calls = bot.fake.wait_for_calls("views.update", before + 1)
    return bot.fake.state.views[calls[-1].args["view_id"]]


def submit_and_refresh(
    bot: RunningBot, user: str, form: dict[str, Any], inputs: dict[str, Any], channel: str = GOALS_DM
) -> dict[str, Any]:
    """Submit a pushed form successfully; wait for the list underneath to be updated; return it."""
    root_id = ui.read_metadata(form)["root"]
    updates = len(bot.fake.calls("views.update"))
    posts = len(bot.fake.posts(channel))
    response = send_submission(bot, user, form, inputs)
    assert response.status == 200 and not response.body, response.text  # a plain ack closes the form
    bot.fake.wait_for(lambda f: len(f.calls("views.update")) > updates and len(f.posts(channel)) > posts)
    assert bot.fake.calls("views.update")[-1].args["view_id"] == root_id
    return bot.fake.state.views[root_id]


def goal_id_by_title(engine: Engine, title: str) -> str:
    return str(next(g.id for g in stored_goals(engine) if g.title == title))


# ---- the App Home ----------------------------------------------------------------------------------


def open_home(bot: RunningBot, user: str) -> dict[str, Any]:
    """Open the Home tab (``app_home_opened``); the view the bot published, as Slack stored it."""
    before = len(bot.fake.calls("views.publish"))
    response = bot.slack.event(
        {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home", "event_ts": f"{time.time():.6f}"}
    )
    assert response.status == 200
    return published_home(bot, user, before)


def published_home(bot: RunningBot, user: str, before: int) -> dict[str, Any]:
    """The Home published for ``user`` after ``before`` publishes; Slack (the fake) must have accepted it."""
    calls = bot.fake.wait_for_calls("views.publish", count=before + 1)
    bot.settle()
    sent = [c for c in bot.fake.calls("views.publish")[before:] if c.args["user_id"] == user][-1].args["view"]
    sent = json.loads(sent) if isinstance(sent, str) else sent
    stored = bot.fake.state.views.get(f"VHOME{user}")
    assert stored is not None and stored["blocks"] == sent["blocks"], "Slack refused the Home view"
    assert len(calls) > before
    return stored


def press_on_home(bot: RunningBot, user: str, home: dict[str, Any], action_id: str, value: str = "") -> dict[str, Any]:
    """Press a button on the Home tab; the Home the bot published in answer."""
    before = len(bot.fake.calls("views.publish"))
    payload = view_action(user_id=user, view=home, action_id=action_id, value=value)
    assert bot.slack.interactive(payload).status == 200
    return published_home(bot, user, before)


def home_buttons(home: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button on a Home view, in order."""
    return [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"] if e["type"] == "button"]
