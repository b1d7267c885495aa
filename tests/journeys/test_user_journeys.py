"""Two people go through the whole program as users do: signed requests to the bot, posts read back from the fake Slack.

Maria (mentor, Berlin) and Tom (mentee, New York) are paired by the admin, accept, write their pre-work, agree
boundaries (weekly on Thursday 11:00 New York, 60 minutes; Maria reachable 09:00–17:00 Berlin, Tom 08:00–12:00
New York, so the pair DM's shared hours are 13:00–16:00 UTC), set goals and a roadmap, and then the injected clock
walks them through their meetings until the pairing ends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from storage.db import session_scope
from storage.models import ActionStatus, Goal, GoalStatus, MeetingStatus, PairStatus
from tests.conftest import ADMIN, MENTEE, MENTOR, RunningBot
from tests.support import slack_user
from tests.support.payloads import block_action, mpim_message, view_action
from tests.support.sessions import answers, checkins, items, meetings, rendered
from tests.support.slack_user import GOAL_INPUTS, activate, all_pairs, boundaries_inputs, pair_via_command, submit
from tests.support.slack_user import tick_at as at

#: The method's four questions, verbatim, after every meeting.
FOUR_QUESTIONS = (
    "What was useful about our conversation today?",
    "What are your next steps?",
    "What will you do/learn/explore before our next conversation?",
    "What changes should we make for our next conversation, or what areas do we want to focus on?",
)

BOUNDARIES = boundaries_inputs(
    start_time="11:00",
    timezone="America/New_York",
    location="https://meet.example.com/maria-tom",
    mentor_contact_start="09:00",
    mentor_contact_end="17:00",
    mentee_contact_end="12:00",
    mentee_tz="America/New_York",
    scope_in="Career growth, feedback",
)

GOAL = {**GOAL_INPUTS, "time_bound": "2027-01-29"}


# ---- what users do ----------------------------------------------------------------------------------


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def key_of(message: dict[str, Any]) -> str:
    return str(((message.get("metadata") or {}).get("event_payload") or {}).get("delivery_key", ""))


def posts_with_key(bot: RunningBot, channel: str, prefix: str) -> list[dict[str, Any]]:
    return [p for p in bot.fake.posts(channel) if key_of(p).startswith(prefix)]


def message_with(bot: RunningBot, channel: str, prefix: str) -> dict[str, Any]:
    found = [m for m in bot.fake.messages(channel) if key_of(m).startswith(prefix)]
    assert found, f"no message with key {prefix!r}"
    return found[-1]


def message_at(bot: RunningBot, channel: str, ts: str) -> dict[str, Any]:
    return next(m for m in bot.fake.messages(channel) if m["ts"] == ts)


def button_value(message: dict[str, Any], action_id: str) -> str:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {message.get('blocks')}")


def button_labels(message: dict[str, Any]) -> list[str]:
    return [
        e["text"]["text"]
        for b in message.get("blocks", [])
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("type") == "button"
    ]


def inputs_of(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def command(bot: RunningBot, text: str, user: str, channel: str) -> dict[str, Any]:
    response = bot.slack.command(text, user_id=user, channel_id=channel)
    assert response.status == 200, response.text
    return response.json() if response.body else {}


def opened_view(bot: RunningBot, before: int, method: str = "views.open") -> dict[str, Any]:
    """The view the bot opened, as the fake Slack accepted it (it refuses views over Slack's limits)."""
    call = bot.fake.wait_for_calls(method, before + 1)[before]
    assert any(v.get("callback_id") == call.args["view"].get("callback_id") for v in bot.fake.state.views.values())
    return max(bot.fake.state.views.values(), key=lambda v: int(v["id"][1:]) if v["id"][1:].isdigit() else 0)


def open_with_command(bot: RunningBot, text: str, user: str, channel: str) -> dict[str, Any]:
    before = len(bot.fake.calls("views.open"))
    command(bot, text, user, channel)
    return opened_view(bot, before)


def press_button(bot: RunningBot, user: str, channel: str, message: dict[str, Any], action_id: str) -> None:
    """Press the button ``action_id`` of ``message``, with the value it carries."""
    slack_user.press(bot, user, action_id, button_value(message, action_id), message, channel=channel)


def press_opening(bot: RunningBot, user: str, channel: str, message: dict[str, Any], action_id: str) -> dict[str, Any]:
    before = len(bot.fake.calls("views.open"))
    press_button(bot, user, channel, message, action_id)
    return opened_view(bot, before)


def click_in_view(bot: RunningBot, user: str, view: dict[str, Any], action_id: str, value: str, method: str) -> Any:
    before = len(bot.fake.calls(method))
    payload = view_action(user_id=user, view=view, action_id=action_id, value=value)
    assert bot.slack.interactive(payload).status == 200
    call = bot.fake.wait_for_calls(method, before + 1)[before]
    if method == "views.update":
        return bot.fake.state.views[call.args["view_id"]]
    return opened_view(bot, before, method)


def field_errors(bot: RunningBot, user: str, view: dict[str, Any], inputs: dict[str, Any]) -> dict[str, str]:
    body = submit(bot, user, view, inputs)
    assert body and body["response_action"] == "errors", body
    assert set(body["errors"]) <= set(inputs_of(view)), "errors must name blocks of the modal"
    return dict(body["errors"])


def in_shared_hours(instant: datetime) -> bool:
    """13:00–16:00 UTC is when Maria (09–17 Berlin) and Tom (08–12 New York) can both be reached."""
    return 13 <= instant.hour < 16 or (instant.hour == 16 and instant.minute == 0)


class Timeline:
    """Runs the scheduler at given instants and remembers when each post of the pair DM appeared."""

    def __init__(self, bot: RunningBot, channel: str) -> None:
        self.bot, self.channel = bot, channel
        self.posted_at: list[tuple[datetime, dict[str, Any]]] = []

    def _seen(self) -> int:
        return len(self.posted_at)

    def at(self, instant: datetime) -> list[dict[str, Any]]:
        """Tick at ``instant``; return what the scheduler posted there."""
        before = len(self.bot.fake.posts(self.channel))
        at(self.bot, instant)
        new = self.bot.fake.posts(self.channel)[before:]
        self.posted_at.extend((instant, p) for p in new)
        return new

    def every(self, start: datetime, end: datetime, step: timedelta = timedelta(minutes=30)) -> None:
        instant = start
        while instant <= end:
            self.at(instant)
            instant += step


def goal_id(bot: RunningBot, pair_id: int, title: str) -> str:
    with session_scope(bot.engine) as session:
        return str(session.exec(select(Goal.id).where(Goal.pair_id == pair_id, Goal.title == title)).one())


def goal_statuses(bot: RunningBot, pair_id: int) -> dict[str, tuple[str, int]]:
    with session_scope(bot.engine) as session:
        return {g.title: (g.status, g.progress) for g in session.exec(select(Goal).where(Goal.pair_id == pair_id))}


# ---- the journey ---------------------------------------------------------------------------------------


def onboard(bot: RunningBot, agreed: dict[str, str] | None = None) -> tuple[int, str]:
    """Pairing, accepting, pre-work and boundaries, all through Slack; returns (pair id, pair DM)."""
    pair = pair_via_command(bot, MENTOR, MENTEE)
    channel = pair.channel_id or ""
    assert sorted(bot.fake.state.channels_opened[channel]) == sorted([MENTOR, MENTEE])
    (welcome,) = bot.fake.posts(channel)
    assert button_labels(welcome) == ["Accept", "Decline"]
    pair = activate(bot, pair)
    started = bot.fake.wait_for(lambda f: [p for p in f.posts(channel) if "You're both in" in rendered(p)])
    assert len(started) == 1
    assert button_labels(started[0]) == ["Start pre-work", "Set boundaries"]

    # Pre-work: the mentee starts from the button, the mentor with the command; empty answers are field errors.
    started_message = next(m for m in bot.fake.messages(channel) if "You're both in" in rendered(m))
    prework = press_opening(bot, MENTEE, channel, started_message, "prework_open")
    assert prework["title"]["text"] == "Pre-work"
    errors = field_errors(bot, MENTEE, prework, {})
    assert set(errors) == {"wants", "brings", "expects"}, errors
    mentee_prework = {
        "wants": "Get better at presenting",
        "brings": "Curiosity, a story about a failed launch",
        "expects": "Honest feedback",
    }
    assert submit(bot, MENTEE, prework, mentee_prework) is None
    prework = open_with_command(bot, "prework", MENTOR, channel)
    assert (
        submit(bot, MENTOR, prework, {"wants": "Practice mentoring", "brings": "10 years", "expects": "Focus"}) is None
    )
    shared = bot.fake.wait_for(lambda f: [p for p in f.posts(channel) if "Get better at presenting" in rendered(p)])
    assert len(shared) == 1

    # Boundaries: Tom proposes through the modal (mistakes first), Maria proposes changes, Tom agrees.
    proposal = open_with_command(bot, "boundaries", MENTEE, channel)
    assert set(inputs_of(proposal)) == set(BOUNDARIES)
    errors = field_errors(
        bot,
        MENTEE,
        proposal,
        {**BOUNDARIES, "mentee_contact_start": "12:00", "mentee_contact_end": "08:00", "timezone": "Mars/Olympus"},
    )
    assert set(errors) == {"mentee_contact_end", "timezone"}, errors
    assert submit(bot, MENTEE, proposal, {**BOUNDARIES, "start_time": "10:00"}) is None
    first = bot.fake.wait_for(lambda f: [m for m in f.messages(channel) if "proposes these boundaries" in rendered(m)])
    assert len(first) == 1 and button_labels(first[0]) == ["Agree", "Propose changes"]
    change = press_opening(bot, MENTOR, channel, first[0], "boundaries_change")
    assert inputs_of(change)["start_time"]["element"]["initial_time"] == "10:00"
    assert submit(bot, MENTOR, change, agreed or BOUNDARIES) is None
    second = bot.fake.wait_for(
        lambda f: [
            m for m in f.messages(channel) if "proposes these boundaries" in rendered(m) and m["ts"] != first[0]["ts"]
        ]
    )
    assert len(second) == 1
    press_button(bot, MENTEE, channel, second[0], "boundaries_agree")
    agreed = bot.fake.wait_for(lambda f: [p for p in f.posts(channel) if p["text"].startswith("Boundaries agreed")])
    assert len(agreed) == 1
    bot.fake.wait_for(lambda f: "Replaced by version 2" in rendered(message_at(bot, channel, first[0]["ts"])))
    bot.fake.wait_for_calls("files.completeUploadExternal")  # the .ics of the series
    return pair.id or 0, channel


def test_a_pair_goes_through_the_whole_program(bot: RunningBot) -> None:
    pair_id, channel = onboard(bot)

    # ---- goals: mistakes first, then a valid goal; progress; done. --------------------------------------
    goals_list = open_with_command(bot, "goals", MENTEE, channel)
    assert goals_list["callback_id"] == "goals_list" and "SMART" in rendered(goals_list)
    form = click_in_view(bot, MENTEE, goals_list, "goals_add", "add", "views.push")
    assert form["title"]["text"] == "Add a goal"
    assert "Get better at presenting" in rendered(form)  # the mentee's pre-work, to make it relevant
    errors = field_errors(bot, MENTEE, form, {})
    assert set(errors) == {"specific_title", "measurable", "achievable", "relevant", "time_bound"}, errors
    errors = field_errors(bot, MENTEE, form, {**GOAL, "time_bound": "2026-11-20", "specific_title": "t" * 151})
    assert set(errors) == {"time_bound", "specific_title"}, errors
    assert "after today" in errors["time_bound"]
    assert posts_with_key(bot, channel, "") == [] or not any(
        "added a goal" in p["text"] for p in bot.fake.posts(channel)
    )
    updates = len(bot.fake.calls("views.update"))
    assert submit(bot, MENTEE, form, GOAL) is None
    bot.fake.wait_for(lambda f: len(f.calls("views.update")) > updates)
    goals_list = bot.fake.state.views[goals_list["id"]]
    assert GOAL["specific_title"] in rendered(goals_list) and "0%" in rendered(goals_list)
    bot.fake.wait_for(lambda f: [p for p in f.posts(channel) if f"<@{MENTEE}> added a goal" in p["text"]])
    second_goal = {**GOAL, "specific_title": "Read two books on public speaking", "time_bound": "2026-12-24"}
    form = click_in_view(bot, MENTEE, goals_list, "goals_add", "add", "views.push")
    updates = len(bot.fake.calls("views.update"))
    assert submit(bot, MENTEE, form, second_goal) is None
    bot.fake.wait_for(lambda f: len(f.calls("views.update")) > updates)
    goals_list = bot.fake.state.views[goals_list["id"]]
    talk_id = goal_id(bot, pair_id, GOAL["specific_title"])
    books_id = goal_id(bot, pair_id, second_goal["specific_title"])

    progress = click_in_view(bot, MENTOR, goals_list, "goals_progress", talk_id, "views.push")
    assert set(field_errors(bot, MENTOR, progress, {"progress_percent": "140"})) == {"progress_percent"}
    updates = len(bot.fake.calls("views.update"))
    assert submit(bot, MENTOR, progress, {"progress_percent": "40", "progress_note": "Outline written"}) is None
    bot.fake.wait_for(lambda f: len(f.calls("views.update")) > updates)
    assert "40%" in rendered(bot.fake.state.views[goals_list["id"]])
    goals_list = click_in_view(
        bot, MENTEE, bot.fake.state.views[goals_list["id"]], "goals_done", books_id, "views.update"
    )
    assert "Done on" in rendered(goals_list)
    bot.fake.wait_for(lambda f: [p for p in f.posts(channel) if "marked the goal" in p["text"]])
    assert goal_statuses(bot, pair_id) == {
        GOAL["specific_title"]: (GoalStatus.ACTIVE, 40),
        second_goal["specific_title"]: (GoalStatus.DONE, 100),
    }

    # ---- roadmap: a theme per meeting, each labelled with its date. -------------------------------------
    roadmap = open_with_command(bot, "roadmap", MENTOR, channel)
    labels = [b["label"]["text"] for b in inputs_of(roadmap).values()]
    assert labels[0].startswith("Meeting 1 · Thu 26 Nov 2026, 17:00"), labels  # 11:00 New York in Berlin
    themes = {
        f"theme_{n}_r0": t
        for n, t in enumerate(
            ["Getting to know each other", "Industry trends", "Time management", "Lessons learned"], 1
        )
    }
    assert submit(bot, MENTOR, roadmap, themes) is None
    bot.fake.wait_for(lambda f: [p for p in f.posts(channel) if "updated your roadmap" in p["text"]])

    # ---- meeting 1, Thu 26 Nov 16:00 UTC: the reminder an hour before, inside the shared hours. ------------
    clock = Timeline(bot, channel)
    posted_before = len(bot.fake.posts(channel))
    clock.every(utc(2026, 11, 26, 9, 30), utc(2026, 11, 26, 14, 30))
    assert len(bot.fake.posts(channel)) == posted_before
    (reminder,) = clock.at(utc(2026, 11, 26, 15, 0))
    assert key_of(reminder).startswith("reminder:")
    shown = rendered(reminder)
    assert "Meeting 1" in shown and "Getting to know each other" in shown
    assert GOAL["specific_title"] in shown and "40%" in shown
    assert second_goal["specific_title"] not in shown  # done goals are not on the agenda
    assert "meet.example.com/maria-tom" in shown and "<!date^" in shown
    assert button_labels(reminder) == ["We'll meet", "Skip this one", "Move it"]
    assert clock.at(utc(2026, 11, 26, 15, 0)) == []  # the same instant again posts nothing twice
    updates = len(bot.fake.calls("chat.update"))
    press_button(bot, MENTOR, channel, message_with(bot, channel, "reminder:"), "meeting_confirm")
    bot.fake.wait_for(lambda f: len(f.calls("chat.update")) > updates)
    confirmed = message_with(bot, channel, "reminder:")
    assert f"<@{MENTOR}> confirmed" in rendered(confirmed) and "Meeting 1" in rendered(confirmed)

    # The meeting ends at 17:00 UTC: the questions would come at 17:10, but Maria's hours are over (18:00 in
    # Berlin), so they wait for the next moment both can be reached: Friday 13:00 UTC (08:00 in New York).
    clock.every(utc(2026, 11, 26, 15, 30), utc(2026, 11, 27, 12, 30))
    (questions,) = clock.at(utc(2026, 11, 27, 13, 0))
    assert key_of(questions).startswith("checkin:")
    for question in FOUR_QUESTIONS:
        assert question in rendered(questions)
    # It arrives the next day, so it says which conversation it is about.
    assert "Four questions about Thursday's conversation (meeting 1)" in rendered(questions)
    assert button_labels(questions) == ["Answer", "We didn't meet"]

    # Tom answers with one button and one modal (an empty one first: the error names the first question).
    questions = message_with(bot, channel, "checkin:")
    answer = press_opening(bot, MENTEE, channel, questions, "checkin_answer")
    assert [b["label"]["text"] for b in inputs_of(answer).values()][:4] == list(FOUR_QUESTIONS)
    assert set(field_errors(bot, MENTEE, answer, {})) == {"useful"}
    updates = len(bot.fake.calls("chat.update"))
    mentee_answers = {
        "useful": "The feedback on my outline",
        "next_steps": "- Rehearse the talk twice\n- Book the demo slot",
        "before_next": "Watch two conference talks",
    }
    assert submit(bot, MENTEE, answer, mentee_answers) is None
    bot.fake.wait_for(lambda f: len(f.calls("chat.update")) > updates)
    assert "answered" in rendered(message_with(bot, channel, "checkin:"))
    tom_items = [i.text for i in items(bot.engine, pair_id) if i.owner_id == MENTEE]
    assert tom_items == ["Rehearse the talk twice", "Book the demo slot", "Watch two conference talks"]

    # Maria answers in the thread, as people do; the bot's own messages there are ignored.
    before = len(bot.fake.posts(channel))
    bot.slack.event(
        {
            **mpim_message(user_id=MENTOR, channel_id=channel, thread_ts=questions["ts"], text="x"),
            "bot_id": "BBOT0001",
            "user": "UBOT0001",
            "text": "useful: this is the bot talking",
        }
    )
    response = bot.slack.event(
        mpim_message(
            user_id=MENTOR,
            channel_id=channel,
            thread_ts=questions["ts"],
            text="useful: seeing Tom's outline\nnext steps:\nresource: send the slide-design checklist",
        )
    )
    assert response.status == 200
    summary = bot.fake.wait_for(lambda f: posts_with_key(f and bot, channel, "summary:"))
    assert len(summary) == 1 and summary[0]["thread_ts"] == questions["ts"]
    assert "Rehearse the talk twice" in rendered(summary[0]) and "slide-design checklist" in rendered(summary[0])
    assert [i.text for i in items(bot.engine, pair_id) if i.owner_id == MENTOR] == ["send the slide-design checklist"]
    assert not any("this is the bot talking" in rendered(p) for p in bot.fake.posts(channel)[before:])
    assert meetings(bot.engine, pair_id)[0].status == MeetingStatus.HELD

    # Answers stay editable: the modal comes back pre-filled.
    again = press_opening(bot, MENTEE, channel, message_with(bot, channel, "checkin:"), "checkin_answer")
    assert inputs_of(again)["next_steps"]["element"]["initial_value"] == mentee_answers["next_steps"]

    # ---- /mentor actions on Friday afternoon: Done and Snooze change the list in place. -------------------
    bot.deps.clock.set(utc(2026, 11, 27, 14, 0))  # type: ignore[attr-defined]
    listing = command(bot, "actions", MENTEE, channel)
    assert listing["response_type"] == "ephemeral"
    assert button_labels(listing).count("Done") == 3 and "slide-design checklist" not in rendered(listing)
    by_text = {i.text: i.id for i in items(bot.engine, pair_id)}
    for action_id, text, count, shown in (
        ("item_done", "Book the demo slot", 1, "~Book the demo slot~"),
        ("item_snooze", "Watch two conference talks", 2, "snoozed"),
    ):
        payload = block_action(
            user_id=MENTEE,
            action_id=action_id,
            value=str(by_text[text]),
            channel_id=channel,
            response_url=bot.fake.response_url("actions"),
        )
        payload["container"]["is_ephemeral"] = True
        payload.pop("message")
        assert bot.slack.interactive(payload).status == 200
        replaced = bot.fake.wait_for_responses(count)[-1]
        assert replaced["replace_original"] is True
        assert shown in rendered(replaced).lower() or shown in rendered(replaced), rendered(replaced)
    statuses = {i.text: i.status for i in items(bot.engine, pair_id)}
    assert statuses["Book the demo slot"] == ActionStatus.DONE
    assert statuses["Rehearse the talk twice"] == ActionStatus.OPEN

    # ---- Thursday 3 Dec: no separate weekly nudges in a week with a meeting (its reminder lists the items). ----
    clock.every(utc(2026, 11, 27, 14, 30), utc(2026, 12, 3, 12, 30), step=timedelta(hours=1))
    assert [key_of(p) for _, p in clock.posted_at if not key_of(p).startswith(("reminder:", "checkin:"))] == []

    # Done from /mentor actions: the list changes in place.
    payload = block_action(
        user_id=MENTEE,
        action_id="item_done",
        value=str(by_text["Rehearse the talk twice"]),
        channel_id=channel,
        response_url=bot.fake.response_url("actions"),
    )
    payload["container"]["is_ephemeral"] = True
    payload.pop("message")
    assert bot.slack.interactive(payload).status == 200
    assert "~Rehearse the talk twice~" in rendered(bot.fake.wait_for_responses(3)[-1])

    # ---- meeting 2 (3 Dec): Tom skips it; no questions follow a skipped meeting. -----------------------------
    (reminder,) = clock.at(utc(2026, 12, 3, 15, 0))
    assert "Meeting 2" in rendered(reminder) and "Industry trends" in rendered(reminder)
    updates = len(bot.fake.calls("chat.update"))
    press_button(bot, MENTEE, channel, message_with(bot, channel, f"reminder:{pair_id}:"), "meeting_skip")
    bot.fake.wait_for(lambda f: len(f.calls("chat.update")) > updates)
    skipped = message_with(bot, channel, f"reminder:{pair_id}:")
    assert f"<@{MENTEE}> skipped this meeting" in rendered(skipped) and button_labels(skipped) == []
    # Skipped meetings keep no number: the next one becomes meeting 2 and keeps its theme.
    assert "Next: *Meeting 2*" in rendered(skipped) and "Industry trends" in rendered(skipped)
    clock.every(utc(2026, 12, 3, 15, 30), utc(2026, 12, 4, 16, 0))
    assert [key_of(p) for _, p in clock.posted_at].count("") == 0
    assert not [p for t, p in clock.posted_at if t > utc(2026, 12, 3, 15, 0)]

    # ---- the next meeting (Thu 10 Dec) is moved to Friday 09:00 New York from its reminder. ------------------
    clock.every(utc(2026, 12, 4, 16, 30), utc(2026, 12, 10, 14, 30), step=timedelta(hours=1))
    reminders = [p for t, p in clock.posted_at if t > utc(2026, 12, 4) and key_of(p).startswith("reminder:")]
    assert reminders == []
    (reminder,) = [p for p in clock.at(utc(2026, 12, 10, 15, 0)) if key_of(p).startswith("reminder:")]
    assert "Meeting 2" in rendered(reminder) and "Industry trends" in rendered(reminder)
    move = press_opening(bot, MENTOR, channel, message_with(bot, channel, f"reminder:{pair_id}:"), "meeting_move")
    assert move["title"]["text"] == "Move meeting 2" and "America/New_York" in rendered(move)
    assert inputs_of(move)["move_date"]["element"]["initial_date"] == "2026-12-10"
    assert inputs_of(move)["move_time"]["element"]["initial_time"] == "11:00"
    assert set(field_errors(bot, MENTOR, move, {"move_date": "2026-12-11"})) == {"move_time"}
    assert set(field_errors(bot, MENTOR, move, {"move_date": "2026-12-09", "move_time": "09:00"})) == {"move_date"}
    assert set(field_errors(bot, MENTOR, move, {"move_date": "2026-12-17", "move_time": "11:00"})) == {"move_date"}
    updates = len(bot.fake.calls("chat.update"))
    assert submit(bot, MENTOR, move, {"move_date": "2026-12-11", "move_time": "09:00"}) is None
    bot.fake.wait_for(lambda f: len(f.calls("chat.update")) > updates)
    moved = message_with(bot, channel, f"reminder:{pair_id}:")
    friday = int(utc(2026, 12, 11, 14, 0).timestamp())
    assert f"<@{MENTOR}> moved this meeting to <!date^{friday}^" in rendered(moved)
    assert "Move it" in button_labels(moved)

    # No questions on Thursday evening; on Friday they come ten minutes after the moved meeting ends.
    clock.every(utc(2026, 12, 10, 15, 30), utc(2026, 12, 11, 14, 30))
    assert [p for t, p in clock.posted_at if t > utc(2026, 12, 10, 15, 0) and key_of(p).startswith("checkin:")] == []
    # The moved meeting gets one fresh reminder an hour before its new time.
    ((when, fresh),) = [(t, p) for t, p in clock.posted_at if t > utc(2026, 12, 10, 15, 0)]
    assert when == utc(2026, 12, 11, 13, 0) and "(moved)" in fresh["text"] and "Industry trends" in fresh["text"]
    posted = clock.at(utc(2026, 12, 11, 15, 10))
    (questions,) = [p for p in posted if key_of(p).startswith("checkin:")]
    assert "Meeting 2" in rendered(questions) or "meeting 2" in rendered(questions)
    assert "slide-design checklist" in rendered(questions)  # Maria's open item is there to look at
    questions = message_with(bot, channel, "checkin:")

    # Tom answers in the thread: prefixes may be bold, lines may be bullets.
    bot.slack.event(
        mpim_message(
            user_id=MENTEE,
            channel_id=channel,
            thread_ts=questions["ts"],
            text="*Useful:* the trends overview\n*Next steps:*\n• Draft the slides",
        )
    )
    eventually_items = bot.fake.wait_for(
        lambda f: [i for i in items(bot.engine, pair_id) if i.text == "Draft the slides"]
    )
    assert eventually_items[0].owner_id == MENTEE

    # ---- Monday 14 Dec: they meet off-schedule and Tom asks for the questions now. ---------------------------
    bot.deps.clock.set(utc(2026, 12, 14, 14, 0))  # type: ignore[attr-defined]
    before = len(bot.fake.posts(channel))
    reply = command(bot, "wrapup", MENTEE, channel)
    assert reply["text"] == f"Posted the closing questions in <#{channel}>. Press *Answer* there."
    (wrapup,) = bot.fake.wait_for(lambda f: [p for p in f.posts(channel)[before:] if key_of(p).startswith("wrapup:")])
    for question in FOUR_QUESTIONS:
        assert question in rendered(wrapup)
    assert button_labels(wrapup) == ["Answer"]
    assert "Draft the slides" in rendered(wrapup) and "Rehearse the talk twice" not in rendered(wrapup)  # open only
    bot.deps.clock.set(utc(2026, 12, 14, 14, 2))  # type: ignore[attr-defined]  # Maria asks a moment later
    again = command(bot, "wrapup", MENTOR, channel)
    assert "already in your pair DM" in again["text"]
    assert len([p for p in bot.fake.posts(channel)[before:] if key_of(p).startswith("wrapup:")]) == 1

    # The admin's figures: counts only, nothing of what the pair wrote.
    report = command(bot, "report", ADMIN, "C0GENERAL")
    figures = rendered(report)
    assert report["response_type"] == "ephemeral"
    assert "*Pairs*\\n1 active" in figures and "*Meetings held*\\n2 of 2 scheduled (0 missed · 1 skipped)" in figures
    assert "*Goals met*\\n1 of 2" in figures and "50% (3 of 6 answers)" in figures
    assert "1 active pair," in report["text"]
    assert "slide" not in figures and "presenting" not in figures
    assert "Only program admins" in command(bot, "report", MENTEE, channel)["text"]

    # ---- Tuesday: Maria ends the pairing; the scheduler posts nothing more for them. -------------------------
    bot.deps.clock.set(utc(2026, 12, 15, 14, 0))  # type: ignore[attr-defined]
    confirm = command(bot, "end", MENTOR, channel)
    assert confirm["response_type"] == "ephemeral" and button_labels(confirm) == ["End pairing", "Cancel"]
    payload = block_action(
        user_id=MENTOR,
        action_id="pair_end_confirm",
        value=button_value(confirm, "pair_end_confirm"),
        channel_id=channel,
        response_url=bot.fake.response_url("end"),
    )
    payload["container"]["is_ephemeral"] = True
    payload.pop("message")
    posts = len(bot.fake.posts(channel))
    assert bot.slack.interactive(payload).status == 200
    (goodbye,) = bot.fake.wait_for(lambda f: f.posts(channel)[posts:])
    assert f"<@{MENTOR}> ended this mentoring pairing" in goodbye["text"] and "/mentor export" in goodbye["text"]
    assert next(p for p in all_pairs(bot) if p.id == pair_id).status == PairStatus.ENDED
    posts = len(bot.fake.posts(channel))
    clock.every(utc(2026, 12, 15, 14, 30), utc(2026, 12, 25, 14, 0), step=timedelta(hours=1))
    assert bot.fake.posts(channel)[posts:] == []  # no nudge, no reminder, no questions on the 17th

    # Old buttons and thread replies in the pair DM now change nothing and say why.
    views, responses = len(bot.fake.calls("views.open")), len(bot.fake.responses())
    press_button(bot, MENTEE, channel, message_with(bot, channel, "wrapup:"), "checkin_answer")
    (refusal,) = bot.fake.wait_for(lambda f: f.responses()[responses:])
    assert refusal["text"] == "This pairing has ended, so there's nothing more to do here."
    assert len(bot.fake.calls("views.open")) == views
    posts = len(bot.fake.posts(channel))
    bot.slack.event(
        mpim_message(
            user_id=MENTOR,
            channel_id=channel,
            thread_ts=message_with(bot, channel, "wrapup:")["ts"],
            text="useful: the whole program",
        )
    )
    mentor_item = next(i for i in items(bot.engine, pair_id) if i.owner_id == MENTOR)
    payload = block_action(
        user_id=MENTOR,
        action_id="item_done",
        value=str(mentor_item.id),
        channel_id=channel,
        response_url=bot.fake.response_url("ended"),
    )
    payload["container"]["is_ephemeral"] = True
    payload.pop("message")
    bot.slack.interactive(payload)
    (refusal,) = bot.fake.wait_for(lambda f: f.responses()[responses + 1 :])
    assert "pairing has ended" in refusal["text"]
    assert bot.fake.posts(channel)[posts:] == []
    assert answers(bot.engine, checkins(bot.engine, pair_id)[-1].id or 0) == {}

    # ---- Tom exports his data: his own pre-work, not Maria's; the goals; his answers. ------------------------
    export = command(bot, "export", MENTEE, channel)
    assert "export" in export["text"]
    # Before it: the boundaries' .ics and the admin's report CSV.
    completed = bot.fake.wait_for_calls("files.completeUploadExternal", 3)
    titles = [call.args["files"][0].get("title", "") for call in completed]
    (exported,) = [call for call, title in zip(completed, titles, strict=True) if title == "Your mentor-bot data"]
    data = json.loads(bot.fake.state.uploads[exported.args["files"][0]["id"]])
    (mine,) = data["pairs"]
    assert mine["my_role"] == "mentee" and mine["pair"]["status"] == "ended"
    dumped = json.dumps(mine)
    assert "Get better at presenting" in dumped and "Practice mentoring" not in dumped
    assert GOAL["specific_title"] in dumped and "Outline written" in dumped
    assert "The feedback on my outline" in dumped and "Industry trends" in dumped

    # ---- Throughout: every post exactly once, and only when the people it addresses can be reached. ----------
    keys = [key_of(p) for p in bot.fake.posts(channel) if key_of(p)]
    assert len(keys) == len(set(keys)), keys
    for instant, post in clock.posted_at:
        key = key_of(post)
        if key.startswith(f"nudge:{pair_id}:{MENTOR}"):
            assert 9 <= instant.astimezone(ZoneInfo("Europe/Berlin")).hour < 17, (key, instant)
        elif key.startswith(f"nudge:{pair_id}:{MENTEE}"):
            assert 8 <= instant.astimezone(ZoneInfo("America/New_York")).hour < 12, (key, instant)
        else:
            assert in_shared_hours(instant), (key, instant)


def test_an_early_meeting_is_announced_the_evening_before_when_both_can_still_be_reached(bot: RunningBot) -> None:
    # Thursdays 08:00 New York (13:00 UTC). An hour before, Tom's hours haven't started; the last moment both can
    # be reached is the evening before, just before Maria's hours close (16:00 UTC, 17:00 Berlin).
    pair_id, channel = onboard(bot, {**BOUNDARIES, "start_time": "08:00"})
    clock = Timeline(bot, channel)
    clock.every(utc(2026, 11, 26, 9, 30), utc(2026, 12, 2, 15, 30), step=timedelta(hours=1))
    assert [key_of(p) for _, p in clock.posted_at] == [f"checkin:{pair_id}:1"]  # meeting 1 was agreed that morning
    assert clock.posted_at[0][0] == utc(2026, 11, 26, 14, 30)
    (reminder,) = clock.at(utc(2026, 12, 2, 15, 50))
    assert "Meeting 2" in rendered(reminder) and "/mentor roadmap" in rendered(reminder)  # no roadmap saved yet
    assert f"<!date^{int(utc(2026, 12, 3, 13, 0).timestamp())}^" in rendered(reminder)
    clock.every(utc(2026, 12, 2, 16, 0), utc(2026, 12, 3, 14, 10), step=timedelta(minutes=10))
    assert [key_of(p)[:8] for _, p in clock.posted_at[2:]] == ["checkin:"]  # 10 min after the meeting's end
    assert clock.posted_at[2][0] == utc(2026, 12, 3, 14, 10)

    # Tom adds an item by hand from /mentor actions; an empty one is a field error.
    listing = command(bot, "actions", MENTEE, channel)
    assert "Add an item" in button_labels(listing)
    form = press_opening(bot, MENTEE, channel, {"ts": "1800000000.000100", "text": "", **listing}, "items_add")
    assert set(field_errors(bot, MENTEE, form, {})) == {"items_text"}
    assert submit(bot, MENTEE, form, {"items_text": "Ask Ana for an intro", "items_kind": "action"}) is None
    bot.fake.wait_for(lambda f: [i for i in items(bot.engine, pair_id) if i.text == "Ask Ana for an intro"])

    # Meeting 4 (17 Dec) closes with the same four questions.
    for week in (9, 16):
        clock.every(utc(2026, 12, week, 15, 50), utc(2026, 12, week + 1, 14, 10), step=timedelta(hours=2))
        clock.at(utc(2026, 12, week + 1, 14, 10))
    fourth = [p for _, p in clock.posted_at if key_of(p).startswith("checkin:")][-1]
    assert all(q in rendered(fourth) for q in FOUR_QUESTIONS) and "(meeting 4)" in rendered(fourth)
    keys = [key_of(p) for _, p in clock.posted_at]
    assert len(keys) == len(set(keys)), keys
    for instant, post in clock.posted_at:
        if not key_of(post).startswith("nudge:"):
            assert in_shared_hours(instant), (key_of(post), instant)
