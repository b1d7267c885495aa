"""Pre-work as members see it: the modal (pre-filled when editing), validation, and sharing once both wrote."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlmodel import select

from mentoring import prework
from mentoring.problems import Problem
from storage.db import session_scope
from storage.models import Pair, PairStatus, Prework
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support import slack_user
from tests.support.payloads import block_action, view_submission
from tests.support.slack_user import PREWORK_ANSWERS, submit

CHANNEL = "GPAIRDM001"
make_pair = partial(slack_user.make_pair, channel=CHANNEL)
open_modal = partial(slack_user.open_modal, channel=CHANNEL, command="prework")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ANSWERS = PREWORK_ANSWERS


def rows(bot: RunningBot) -> list[Prework]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Prework).order_by(Prework.id)))


def reload(bot: RunningBot, pair: Pair) -> Pair:
    with session_scope(bot.engine) as session:
        found = session.get(Pair, pair.id)
        assert found is not None
        return found


def test_prework_command_opens_the_three_questions_in_a_modal(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    view = open_modal(bot, MENTOR)
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels == ["What do I want from this mentoring?", "What do I bring?", "What do I expect?"]
    assert "Skills, questions, insights, stories" in str(view["blocks"])
    assert json.loads(view["private_metadata"]) == {"pair_id": pair.id}


def test_first_member_saving_is_told_it_is_shared_once_the_other_has_written(bot: RunningBot) -> None:
    make_pair(bot.engine)
    view = open_modal(bot, MENTOR)
    assert submit(bot, MENTOR, view, ANSWERS) is None  # an empty ack closes the modal
    (ephemeral,) = bot.fake.wait_for_calls("chat.postEphemeral")
    assert ephemeral.args["user"] == MENTOR and f"<@{MENTEE}>" in ephemeral.args["text"]
    assert [(r.user_id, r.wants) for r in rows(bot)] == [(MENTOR, ANSWERS["wants"])]
    assert bot.fake.posts(CHANNEL) == []


def test_summary_is_posted_once_when_both_have_written_and_edits_post_an_updated_note(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    submit(bot, MENTOR, open_modal(bot, MENTOR), ANSWERS)
    bot.fake.wait_for_calls("chat.postEphemeral")
    submit(bot, MENTEE, open_modal(bot, MENTEE), {"wants": "A mentor", "brings": "Questions", "expects": "Time"})
    (summary,) = bot.fake.wait_for(lambda f: f.posts(CHANNEL))
    rendered = json.dumps(summary["blocks"])
    assert f"<@{MENTOR}>" in rendered and f"<@{MENTEE}>" in rendered
    assert "Ten years of backend work &amp; a story" in rendered
    assert "&lt;!channel&gt;" in rendered and "<!channel>" not in rendered  # user text can't ping anyone
    assert reload(bot, pair).prework_shared_at is not None

    # Editing: the modal opens pre-filled, and saving posts a short "updated" note, not a second summary.
    view = open_modal(bot, MENTEE)
    initial = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}
    assert initial == {"wants": "A mentor", "brings": "Questions", "expects": "Time"}
    submit(bot, MENTEE, view, {"wants": "A mentor who challenges me", "brings": "Questions", "expects": "Time"})
    posts = bot.fake.wait_for(lambda f: len(f.posts(CHANNEL)) == 2 and f.posts(CHANNEL))
    assert "updated their pre-work" in posts[1]["text"]
    assert "A mentor who challenges me" in json.dumps(posts[1]["blocks"])
    assert len(rows(bot)) == 2


def test_welcome_button_opens_the_prework_modal_for_a_member(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    payload = block_action(
        user_id=MENTEE,
        action_id="prework_open",
        value=str(pair.id),
        channel_id=CHANNEL,
        response_url=bot.fake.response_url("action"),
    )
    assert bot.slack.interactive(payload).status == 200
    (call,) = bot.fake.wait_for_calls("views.open")
    assert call.args["view"]["callback_id"] == "prework_submit"


def test_welcome_button_of_someone_elses_pair_is_refused(bot: RunningBot) -> None:
    pair = make_pair(bot.engine)
    payload = block_action(
        user_id=OTHER,
        action_id="prework_open",
        value=str(pair.id),
        channel_id=CHANNEL,
        response_url=bot.fake.response_url("action"),
    )
    bot.slack.interactive(payload)
    (reply,) = bot.fake.wait_for_responses()
    assert "not part of this pair" in reply["text"]
    assert bot.fake.calls("views.open") == []


def test_admin_in_the_pair_dm_cannot_write_prework_for_the_pair(bot: RunningBot) -> None:
    make_pair(bot.engine)
    body = bot.slack.command("prework", user_id=ADMIN, channel_id=CHANNEL).json()
    assert "two members" in body["text"]
    assert bot.fake.calls("views.open") == []


def test_empty_and_too_long_answers_are_named_and_nothing_is_saved(bot: RunningBot) -> None:
    make_pair(bot.engine)
    view = open_modal(bot, MENTOR)
    body = submit(bot, MENTOR, view, {"wants": "   ", "brings": "x" * 2001, "expects": "ok"})
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"wants", "brings"}
    assert "write something" in body["errors"]["wants"]
    assert "2,000 characters" in body["errors"]["brings"]
    input_ids = {b["block_id"] for b in view["blocks"] if b["type"] == "input"}
    assert set(body["errors"]) <= input_ids
    assert rows(bot) == []


def test_crafted_submission_for_another_pair_is_refused_and_changes_nothing(bot: RunningBot) -> None:
    make_pair(bot.engine)
    theirs = make_pair(bot.engine, channel="GOTHERDM01", mentee=ADMIN)
    view = open_modal(bot, MENTEE)
    view["private_metadata"] = json.dumps({"pair_id": theirs.id})
    body = submit(bot, MENTEE, view, ANSWERS)
    assert body["response_action"] == "errors"
    assert "not part of this pair" in body["errors"]["wants"]
    assert rows(bot) == []


def test_malformed_submissions_change_nothing(bot: RunningBot) -> None:
    make_pair(bot.engine)
    view = open_modal(bot, MENTOR)
    garbled = dict(view, private_metadata="{not json")
    assert submit(bot, MENTOR, garbled, ANSWERS)["response_action"] == "errors"
    payload = view_submission(user_id=MENTOR, view=view, inputs=ANSWERS)
    payload["view"]["state"] = {"values": {"wants": {"wants": {"type": "plain_text_input", "value": ["a", "list"]}}}}
    body = bot.slack.interactive(payload).json()
    assert body["response_action"] == "errors" and set(body["errors"]) == {"wants", "brings", "expects"}
    payload["view"]["state"] = "nonsense"
    assert bot.slack.interactive(payload).json()["response_action"] == "errors"
    assert rows(bot) == []
    assert bot.fake.posts() == []


def test_pending_pair_cannot_do_prework_yet(bot: RunningBot) -> None:
    make_pair(bot.engine, status=PairStatus.PENDING)
    body = bot.slack.command("prework", user_id=MENTOR, channel_id=CHANNEL).json()
    assert "hasn't started yet" in body["text"]


# ---- the rules, called directly -------------------------------------------------------------


def test_validation_requires_all_three_answers_within_limits() -> None:
    assert prework.validate_prework(ANSWERS) == prework.PreworkIn(**ANSWERS)
    errors = prework.validate_prework({"wants": "", "brings": None, "expects": 5})
    assert set(errors) == {"wants", "brings", "expects"}  # type: ignore[arg-type]
    longest = prework.limit("wants")
    assert prework.validate_prework(dict(ANSWERS, wants="y" * longest)) != {}
    assert "wants" in prework.validate_prework(dict(ANSWERS, wants="y" * (longest + 1)))  # type: ignore[operator]


def test_only_the_first_claim_shares_the_prework(engine: Any) -> None:
    pair = make_pair(engine)
    answers = prework.PreworkIn(**ANSWERS)
    now = NOW
    with session_scope(engine) as session:
        first = prework.save_prework(session, pair=pair, user_id=MENTOR, answers=answers, now=now)
        assert not isinstance(first, Problem) and first.created
    with session_scope(engine) as session:
        assert prework.after_save(session, pair=pair, outcome=first, now=now).action == "wait"
    with session_scope(engine) as session:
        second = prework.save_prework(session, pair=pair, user_id=MENTEE, answers=answers, now=now)
        assert not isinstance(second, Problem)
    with session_scope(engine) as session:
        assert prework.after_save(session, pair=pair, outcome=second, now=now).action == "summary"
    with session_scope(engine) as session:  # a racing save by the mentor that read "not shared yet"
        assert prework.after_save(session, pair=pair, outcome=first, now=now).action == "wait"
        assert prework.claim_share(session, pair_id=pair.id or 0, now=now) is False
    with session_scope(engine) as session:
        again = prework.save_prework(session, pair=pair, user_id=MENTOR, answers=answers, now=now)
        assert not isinstance(again, Problem) and not again.created and again.shared_before
    with session_scope(engine) as session:
        assert prework.after_save(session, pair=pair, outcome=again, now=now).action == "updated"


def test_someone_outside_the_pair_cannot_save_prework(engine: Any) -> None:
    pair = make_pair(engine)
    with session_scope(engine) as session:
        result = prework.save_prework(session, pair=pair, user_id=OTHER, answers=prework.PreworkIn(**ANSWERS), now=NOW)
    assert isinstance(result, Problem)


def _save_and_decide(engine: Any, pair: Pair, user_id: str, barrier: Any, decisions: list[str]) -> None:
    barrier.wait()
    with session_scope(engine) as session:
        outcome = prework.save_prework(
            session, pair=pair, user_id=user_id, answers=prework.PreworkIn(**ANSWERS), now=NOW
        )
    assert not isinstance(outcome, Problem)
    with session_scope(engine) as session:
        decisions.append(prework.after_save(session, pair=pair, outcome=outcome, now=NOW).action)


def test_both_members_saving_at_the_same_moment_share_the_summary_exactly_once(engine: Any) -> None:
    for round_ in range(5):
        pair = make_pair(engine, mentee=f"U0MENTEE{round_}")
        decisions: list[str] = []
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=_save_and_decide, args=(engine, pair, user, barrier, decisions))
            for user in pair.members()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert sorted(decisions) == ["summary", "wait"]
