"""Pairing as admins and members see it: /mentor pair, opt-in, import, pair context, /mentor end."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blocks.pairing import choice_value
from mentoring.pairs import Choice, resolve_pair
from storage.db import session_scope
from storage.models import Pair, PairStatus
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support.payloads import block_action, view_submission
from tests.support.slack_user import (
    SECOND_MENTEE,
    activate,
    all_pairs,
    ask,
    click_welcome,
    db_snapshot,
    opened_view,
    pair_via_command,
    press_in_message,
    run_command,
    started,
)

pairs = all_pairs
click = click_welcome


def test_admin_pairs_two_people_opens_their_group_dm_and_posts_a_welcome(bot: RunningBot) -> None:
    pair = pair_via_command(bot)
    (open_call,) = bot.fake.calls("conversations.open")
    assert sorted(open_call.args["users"].split(",")) == sorted([MENTOR, MENTEE])
    (welcome,) = bot.fake.posts(pair.channel_id)
    rendered = str(welcome["blocks"])
    assert "Pre-work" in rendered and "SMART goals" in rendered and "Check in" in rendered
    assert "pair_accept" in rendered and "pair_decline" in rendered
    assert pair.status == PairStatus.PENDING


def test_plain_mention_form_works_too(bot: RunningBot) -> None:
    bot.slack.command(f"pair <@{MENTOR}> <@{MENTEE}>", user_id=ADMIN)
    bot.fake.wait_for(lambda f: f.posts())
    assert [(p.mentor_id, p.mentee_id) for p in pairs(bot)] == [(MENTOR, MENTEE)]


def test_non_admin_is_refused_and_nothing_changes(bot: RunningBot) -> None:
    body = bot.slack.command(f"pair <@{MENTOR}> <@{MENTEE}>", user_id=OTHER).json()
    assert "Only program admins" in body["text"]
    assert pairs(bot) == []
    assert bot.fake.calls("conversations.open") == []


def test_pair_needs_two_mentions(bot: RunningBot) -> None:
    body = bot.slack.command(f"pair <@{MENTOR}>", user_id=ADMIN).json()
    assert "Usage" in body["text"]
    assert pairs(bot) == []


def test_pairing_someone_with_themselves_is_refused(bot: RunningBot) -> None:
    body = bot.slack.command(f"pair <@{MENTOR}> <@{MENTOR}>", user_id=ADMIN).json()
    assert "two different people" in body["text"]
    assert pairs(bot) == []


def test_re_pairing_an_active_pair_is_refused_but_a_past_pair_may_be_re_paired(bot: RunningBot) -> None:
    pair = activate(bot, pair_via_command(bot))
    body = bot.slack.command(f"pair <@{MENTOR}> <@{MENTEE}>", user_id=ADMIN).json()
    assert "already paired" in body["text"]
    assert len(pairs(bot)) == 1
    with session_scope(bot.engine) as session:
        ended = session.get(Pair, pair.id)
        assert ended is not None
        ended.status = PairStatus.ENDED
        session.add(ended)
    second = bot.slack.command(f"pair <@{MENTOR}> <@{MENTEE}>", user_id=ADMIN).json()
    assert "Pairing" in second["text"]
    bot.fake.wait_for(lambda f: len([p for p in pairs(bot) if p.welcome_ts]) == 2)
    assert [p.status for p in pairs(bot)] == [PairStatus.ENDED, PairStatus.PENDING]


def test_both_accepting_starts_the_program_with_prework_and_boundaries_buttons(bot: RunningBot) -> None:
    pair = pair_via_command(bot)
    click(bot, pair, MENTOR, "pair_accept")
    bot.fake.wait_for_calls("chat.update")
    assert next(p for p in pairs(bot)).status == PairStatus.PENDING
    assert "accepted" in str(bot.fake.messages(pair.channel_id or "")[0]["blocks"])
    click(bot, pair, MENTEE, "pair_accept")
    bot.fake.wait_for(lambda f: len(f.posts(pair.channel_id)) == 2)
    assert pairs(bot)[0].status == PairStatus.ACTIVE
    started = bot.fake.posts(pair.channel_id)[1]
    assert "prework_open" in str(started["blocks"]) and "boundaries_open" in str(started["blocks"])
    welcome = bot.fake.messages(pair.channel_id or "")[0]
    assert "pair_accept" not in str(welcome["blocks"])  # the buttons are gone once both accepted


def test_decline_closes_the_pairing_and_tells_the_admin(bot: RunningBot) -> None:
    pair = pair_via_command(bot)
    click(bot, pair, MENTEE, "pair_decline")
    bot.fake.wait_for(lambda f: len(f.calls("chat.postMessage")) == 2)
    assert pairs(bot)[0].status == PairStatus.DECLINED
    admin_dm = bot.fake.calls("chat.postMessage")[1].args
    assert admin_dm["channel"] != pair.channel_id
    assert "declined" in admin_dm["text"] and MENTEE in admin_dm["text"]


def test_someone_else_cannot_accept_for_the_pair(bot: RunningBot) -> None:
    pair = pair_via_command(bot)
    click(bot, pair, OTHER, "pair_accept")
    (reply,) = bot.fake.wait_for_responses()
    assert "not part of this pair" in reply["text"]
    assert not pairs(bot)[0].mentor_accepted and not pairs(bot)[0].mentee_accepted


def test_pair_commands_before_acceptance_explain_what_to_do(bot: RunningBot) -> None:
    pair_via_command(bot)
    with session_scope(bot.engine) as session:
        resolved = resolve_pair(session, team_id="T0001", user_id=MENTEE, channel_id="C0001")
    assert "Accept" in str(resolved)


def test_member_of_two_pairs_is_asked_which_one(bot: RunningBot) -> None:
    activate(bot, pair_via_command(bot, MENTOR, MENTEE))
    activate(bot, pair_via_command(bot, MENTOR, OTHER))
    with session_scope(bot.engine) as session:
        resolved = resolve_pair(session, team_id="T0001", user_id=MENTOR, channel_id="C0001")
        assert isinstance(resolved, Choice) and len(resolved.pairs) == 2
        in_dm = resolve_pair(session, team_id="T0001", user_id=MENTOR, channel_id=pairs(bot)[1].channel_id or "")
        assert isinstance(in_dm, Pair) and in_dm.mentee_id == OTHER
        outsider = resolve_pair(
            session, team_id="T0001", user_id=ADMIN, channel_id=pairs(bot)[1].channel_id or "", is_admin=True
        )
        assert isinstance(outsider, Pair)  # admins may act on a pair from its DM
        stranger = resolve_pair(session, team_id="T0001", user_id=MENTEE, channel_id=pairs(bot)[1].channel_id or "")
        assert "not part of this pair" in str(stranger)


def test_end_asks_for_confirmation_then_ends_and_says_so_in_the_pair_dm(bot: RunningBot) -> None:
    pair = activate(bot, pair_via_command(bot))
    body = bot.slack.command("end", user_id=MENTEE, channel_id=pair.channel_id or "").json()
    assert "pair_end_confirm" in str(body["blocks"])
    assert pairs(bot)[0].status == PairStatus.ACTIVE
    payload = block_action(
        user_id=MENTEE,
        action_id="pair_end_confirm",
        value=str(pair.id),
        channel_id=pair.channel_id or "",
        response_url=bot.fake.response_url("end"),
    )
    bot.slack.interactive(payload)
    bot.fake.wait_for(lambda f: any("ended this mentoring pairing" in p["text"] for p in f.posts(pair.channel_id)))
    ended = pairs(bot)[0]
    assert ended.status == PairStatus.ENDED and ended.ended_by == MENTEE


def test_outsider_cannot_end_someone_elses_pair_with_a_crafted_click(bot: RunningBot) -> None:
    pair = activate(bot, pair_via_command(bot))
    payload = block_action(
        user_id=OTHER, action_id="pair_end_confirm", value=str(pair.id), response_url=bot.fake.response_url("x")
    )
    bot.slack.interactive(payload)
    (reply,) = bot.fake.wait_for_responses()
    assert "not part of this pair" in reply["text"]
    assert pairs(bot)[0].status == PairStatus.ACTIVE


def test_admin_ends_a_pair_by_naming_both_people(bot: RunningBot) -> None:
    pair = activate(bot, pair_via_command(bot))
    body = bot.slack.command(f"end <@{MENTOR}> <@{MENTEE}>", user_id=ADMIN).json()
    assert "pair_end_confirm" in str(body["blocks"])
    bot.slack.interactive(
        block_action(
            user_id=ADMIN, action_id="pair_end_confirm", value=str(pair.id), response_url=bot.fake.response_url()
        )
    )
    bot.fake.wait_for(lambda f: pairs(bot)[0].status == PairStatus.ENDED)


def _open_import(bot: RunningBot) -> dict[str, Any]:
    bot.slack.command("import", user_id=ADMIN)
    (call,) = bot.fake.wait_for_calls("views.open")
    return call.args["view"]


def test_import_creates_valid_pairs_reports_bad_lines_and_never_doubles(bot: RunningBot) -> None:
    bot.fake.add_user("U0EMAIL", name="erin", email="erin@example.com")
    view = _open_import(bot)
    text = "\n".join(
        [
            f"<@{MENTOR}|maria>, <@{MENTEE}>",
            "just one name",
            f"{OTHER}, erin@example.com",
            "nobody@example.com, U0MENTEE",
            "",
            "# a comment",
        ]
    )
    response = bot.slack.interactive(view_submission(user_id=ADMIN, view=view, inputs={"lines": text}))
    assert response.status == 200
    assert response.json()["response_action"] == "update"
    report = bot.fake.wait_for(lambda f: [p for p in f.posts() if "Import finished" in p["text"]])[0]["text"]
    assert "2 pair(s) created" in report
    assert "line 2" in report and "line 4" in report and "nobody@example.com" in report
    assert sorted((p.mentor_id, p.mentee_id) for p in pairs(bot)) == sorted([(MENTOR, MENTEE), (OTHER, "U0EMAIL")])

    # The same text again, as an admin pasting it twice would.
    bot.slack.interactive(view_submission(user_id=ADMIN, view=view, inputs={"lines": text}))
    bot.fake.wait_for(lambda f: len([p for p in f.posts() if "Import finished" in p["text"]]) == 2)
    second = [p for p in bot.fake.posts() if "Import finished" in p["text"]][1]["text"]
    assert "0 pair(s) created" in second and "already paired" in second
    assert len(pairs(bot)) == 2


def test_import_with_nothing_pasted_names_the_field(bot: RunningBot) -> None:
    view = _open_import(bot)
    body = bot.slack.interactive(view_submission(user_id=ADMIN, view=view, inputs={"lines": "   "})).json()
    assert body["response_action"] == "errors"
    assert "lines" in body["errors"]
    assert pairs(bot) == []


def test_import_is_for_admins_only(bot: RunningBot) -> None:
    body = bot.slack.command("import", user_id=OTHER).json()
    assert "Only program admins" in body["text"]
    assert bot.fake.calls("views.open") == []


def test_member_of_two_pairs_picks_one_with_a_button_and_the_command_runs_for_it(bot: RunningBot) -> None:
    activate(bot, pair_via_command(bot, MENTOR, MENTEE))
    second = activate(bot, pair_via_command(bot, MENTOR, OTHER))
    body = bot.slack.command("end", user_id=MENTOR, channel_id="C0001").json()
    assert "several mentoring pairs" in body["text"]
    choose = [b["accessory"] for b in body["blocks"] if b.get("accessory", {}).get("action_id") == "choose_pair"]
    assert len(choose) == 2
    value = next(c["value"] for c in choose if f'"p":{second.id}' in c["value"])
    bot.slack.interactive(
        block_action(user_id=MENTOR, action_id="choose_pair", value=value, response_url=bot.fake.response_url("c"))
    )
    replies = bot.fake.wait_for(lambda f: [r for r in f.responses() if "pair_end_confirm" in str(r.get("blocks"))])
    assert f"<@{OTHER}>" in str(replies[0]["blocks"])


def test_a_crafted_pair_choice_for_someone_elses_pair_is_refused(bot: RunningBot) -> None:
    pair = activate(bot, pair_via_command(bot, MENTOR, MENTEE))
    value = choice_value("end", pair.id or 0)
    bot.slack.interactive(
        block_action(user_id=OTHER, action_id="choose_pair", value=value, response_url=bot.fake.response_url("c"))
    )
    (reply,) = bot.fake.wait_for_responses()
    assert "not part of this pair" in reply["text"]


def test_the_same_two_people_with_roles_swapped_are_refused_while_paired(bot: RunningBot) -> None:
    pair_via_command(bot)
    body = bot.slack.command(f"pair <@{MENTEE}> <@{MENTOR}>", user_id=ADMIN).json()
    assert "already paired" in body["text"]
    assert len(pairs(bot)) == 1


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


def test_pair_with_wrong_number_of_mentions_shows_usage_and_creates_nothing(bot: RunningBot) -> None:
    for text in (f"pair <@{MENTOR}>", "pair maria tom", f"pair <@{MENTOR}> <@{MENTEE}> <@{OTHER}>"):
        assert "/mentor pair @mentor @mentee" in ask(bot, text, user_id=ADMIN)
    assert all_pairs(bot) == []


def test_end_needs_a_confirmation_before_anything_changes(bot: RunningBot) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = db_snapshot(bot)
    seen = ask(bot, "end", user_id=MENTEE, channel_id=pair.channel_id or "")
    assert "confirm" in seen.lower()
    assert db_snapshot(bot) == before


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
    ack = run_command(bot, "end", user_id=MENTOR, channel_id=pair.channel_id or "")
    blocks = ack.get("blocks") or bot.fake.wait_for_responses(before + 1)[before]["blocks"]
    confirm = next(
        e
        for b in blocks
        for e in (b.get("elements") or [b.get("accessory") or {}])
        if "confirm" in e.get("action_id", "")
    )
    press_in_message(bot, MENTOR, confirm["action_id"], confirm["value"], channel=pair.channel_id or "", ts="1.000100")
    bot.fake.wait_for(lambda f: all_pairs(bot)[0].status == "ended")
    views = len(bot.fake.calls("views.open"))
    seen = ask(bot, "goals", user_id=MENTEE, channel_id=pair.channel_id or "")
    assert "not" in seen.lower()
    assert len(bot.fake.calls("views.open")) == views


def test_a_second_pair_of_the_same_two_people_is_refused(bot: RunningBot) -> None:
    started(bot, pair_via_command(bot, MENTOR, MENTEE))
    opens = len(bot.fake.calls("conversations.open"))
    for text in (f"pair <@{MENTOR}> <@{MENTEE}>", f"pair <@{MENTEE}|tom> <@{MENTOR}|maria>"):
        seen = ask(bot, text, user_id=ADMIN)
        assert "already" in seen.lower(), seen
    assert len(all_pairs(bot)) == 1 and len(bot.fake.calls("conversations.open")) == opens


@pytest.mark.parametrize("mentions", ["<@{m}|maria> <@{e}|tom>", "<@{e}> <@{m}>"])
def test_an_admin_ends_a_pair_by_naming_both_after_confirming(bot: RunningBot, mentions: str) -> None:
    pair = started(bot, pair_via_command(bot, MENTOR, MENTEE))
    before = len(bot.fake.responses())
    ack = run_command(bot, "end " + mentions.format(m=MENTOR, e=MENTEE), user_id=ADMIN)
    blocks = ack.get("blocks") or bot.fake.wait_for_responses(before + 1)[before]["blocks"]
    buttons = [e for b in blocks for e in (b.get("elements") or [b.get("accessory") or {}]) if e.get("action_id")]
    assert {"pair_end_confirm", "pair_end_cancel"} <= {e["action_id"] for e in buttons}, blocks
    assert all_pairs(bot)[0].status == "active"
    confirm = next(e for e in buttons if e["action_id"] == "pair_end_confirm")
    press_in_message(bot, ADMIN, "pair_end_confirm", confirm["value"], channel="C0001", ts="1.000100")
    bot.fake.wait_for(lambda f: all_pairs(bot)[0].status == "ended")
    # The members hear about it in their pair DM.
    bot.fake.wait_for(lambda f: any("end" in p["text"].lower() for p in f.posts(pair.channel_id)[2:]))


def test_import_pairs_many_lines_in_every_way_people_name_someone(bot: RunningBot) -> None:
    bot.fake.add_user(SECOND_MENTEE, name="sam", tz="Europe/Paris")
    bot.fake.add_user("U0THIRD", name="tia", tz="UTC")
    n = len(bot.fake.calls("views.open"))
    run_command(bot, "import", user_id=ADMIN)
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
