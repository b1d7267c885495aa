"""Pairing as admins and members see it: /mentor pair, opt-in, import, pair context, /mentor end."""

from __future__ import annotations

from typing import Any

from blocks.pairing import choice_value
from mentoring.pairs import Choice, resolve_pair
from storage.db import session_scope
from storage.models import Pair, PairStatus
from tests.conftest import ADMIN, MENTEE, MENTOR, OTHER, RunningBot
from tests.support.payloads import block_action, view_submission
from tests.support.slack_user import activate, all_pairs, click_welcome, pair_via_command

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
