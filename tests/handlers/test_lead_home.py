"""The program lead's App Home: counts, every pair with its stage, Nudge and End, paging and the attention filter.

Only program admins see the program or can use its buttons; every view must pass Slack's limits (the fake
Slack refuses a view over 100 blocks or with an oversized text).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

from sqlmodel import select

from blocks.home import (
    LEAD_END_ACTION,
    LEAD_FILTER_ALL_ACTION,
    LEAD_FILTER_ATTENTION_ACTION,
    LEAD_NEXT_ACTION,
    LEAD_NUDGE_ACTION,
    LEAD_PREVIOUS_ACTION,
    LEAD_PROGRAM_ACTION,
)
from handlers.home import REFUSED, is_lead
from mentoring.deps import Deps
from mentoring.leads import program_leads
from storage.db import session_scope
from storage.models import Outbox, Pair, PairStatus, Program
from tests.conftest import OTHER, RunningBot
from tests.support.clock import FakeClock
from tests.support.fake_slack import TEAM_ID, FakeSlack, validate_view
from tests.support.program import EXPECTED, PROGRAM_NOW, seed_program
from tests.support.slack_user import ADMIN, MENTEE, MENTOR, add_pair, home_buttons, open_home, press_on_home


def text_of(home: dict) -> str:  # type: ignore[type-arg]
    return json.dumps(home["blocks"], ensure_ascii=False)


def pair_block(home: dict, pair_id: int) -> str:  # type: ignore[type-arg]
    return next(b["text"]["text"] for b in home["blocks"] if b.get("block_id") == f"lead_pair_{pair_id}")


def seed_pairs(bot: RunningBot, count: int) -> None:
    with session_scope(bot.engine) as session:
        for n in range(count):
            add_pair(
                session,
                mentor=f"U0MR{n:04d}",
                mentee=f"U0ME{n:04d}",
                channel=f"G0P{n:04d}",
                status=PairStatus.PENDING,
                accepted=False,
                created_at=PROGRAM_NOW - timedelta(days=n % 6),
            )


def at_program_now(bot: RunningBot) -> None:
    bot.deps.clock.set(PROGRAM_NOW)  # type: ignore[attr-defined]


def test_admin_home_with_no_pairs_says_how_to_start_and_stays_within_slacks_limits(bot: RunningBot) -> None:
    home = open_home(bot, ADMIN)
    assert validate_view(home) is None
    text = text_of(home)
    assert "The program" in text and "*0* live pairs" in text
    assert "No pairs yet" in text and "/mentor pair" in text


def test_admin_home_with_three_pairs_lists_each_with_its_stage_and_an_end_button(bot: RunningBot) -> None:
    at_program_now(bot)
    seed_pairs(bot, 3)
    home = open_home(bot, ADMIN)
    assert validate_view(home) is None
    text = text_of(home)
    assert "*3* live pairs: *3* invited" in text
    for n in range(3):
        assert f"<@U0MR{n:04d}> mentoring <@U0ME{n:04d}>* · invited" in text
    assert [b["action_id"] for b in home_buttons(home)].count(LEAD_END_ACTION) == 3
    assert "Page 1 of" not in text  # one page: no pager


def test_admin_home_with_300_pairs_is_paged_and_every_page_fits(bot: RunningBot) -> None:
    at_program_now(bot)
    seed_pairs(bot, 300)
    home = open_home(bot, ADMIN)
    seen: set[str] = set()
    for page in range(1, 16):
        assert validate_view(home) is None and len(home["blocks"]) <= 100
        assert f"Page {page} of 15 · 300 pairs" in text_of(home)
        seen |= {b["block_id"] for b in home["blocks"] if b.get("block_id", "").startswith("lead_pair_")}
        if page < 15:
            home = press_on_home(bot, ADMIN, home, LEAD_NEXT_ACTION, str(page))
    assert len(seen) == 300
    assert LEAD_NEXT_ACTION not in [b["action_id"] for b in home_buttons(home)]
    back = press_on_home(bot, ADMIN, home, LEAD_PREVIOUS_ACTION, "13")
    assert "Page 14 of 15" in text_of(back)


def test_each_stage_is_shown_with_the_reasons_a_pair_needs_attention(bot: RunningBot) -> None:
    at_program_now(bot)
    ids = seed_program(bot.engine)
    home = open_home(bot, ADMIN)
    words = {
        "invited": "· invited\n",
        "accepted": "· accepted\n",
        "prework": "· pre-work\n",
        "boundaries": "· agreeing boundaries\n",
        "goals": "· setting goals\n",
        "meetings": "· meeting 2 of the series\n",
        "quiet": "· quiet at meeting 4 of the series\n",
        "ended": "· ended\n",
    }
    for name, (stage, reasons) in EXPECTED.items():
        block = pair_block(home, ids[name])
        assert words[stage] in block, (name, block)
        assert (":warning:" in block) == bool(reasons), (name, block)
    assert "next meeting <!date^" in pair_block(home, ids["meetings"])
    assert "invitation not accepted after 5 days" in pair_block(home, ids["invited_stale"])
    assert "*3* need attention" in text_of(home)


def test_the_attention_filter_lists_exactly_the_pairs_that_need_attention(bot: RunningBot) -> None:
    at_program_now(bot)
    ids = seed_program(bot.engine)
    home = press_on_home(bot, ADMIN, open_home(bot, ADMIN), LEAD_FILTER_ATTENTION_ACTION, "attention")
    listed = {b["block_id"] for b in home["blocks"] if b.get("block_id", "").startswith("lead_pair_")}
    assert listed == {f"lead_pair_{ids[n]}" for n in ("invited_stale", "accepted_stale", "quiet")}
    nudges = [b["value"] for b in home_buttons(home) if b["action_id"] == LEAD_NUDGE_ACTION]
    assert sorted(nudges) == sorted(str(ids[n]) for n in ("invited_stale", "accepted_stale", "quiet"))
    again = press_on_home(bot, ADMIN, home, LEAD_FILTER_ALL_ACTION, "all")
    assert f"lead_pair_{ids['ended']}" in text_of(again)


def test_nudge_plans_one_friendly_post_in_the_pair_dm_at_most_once_a_day(bot: RunningBot) -> None:
    at_program_now(bot)
    ids = seed_program(bot.engine)
    home = open_home(bot, ADMIN)
    after = press_on_home(bot, ADMIN, home, LEAD_NUDGE_ACTION, str(ids["accepted_stale"]))
    assert "I'll nudge <@U0MRACCEPTED_STALE> and <@U0MEACCEPTED_STALE> in their pair DM" in text_of(after)
    again = press_on_home(bot, ADMIN, after, LEAD_NUDGE_ACTION, str(ids["accepted_stale"]))
    assert "already nudged today" in text_of(again)
    with session_scope(bot.engine) as session:
        rows = list(session.exec(select(Outbox).where(Outbox.kind == "lead_nudge")))
    assert len(rows) == 1
    assert rows[0].channel_id == "G0ACCEPTED_STALE" and rows[0].pair_id == ids["accepted_stale"]
    assert f"<@{ADMIN}> (your program lead) is checking in" in rows[0].text and "/mentor prework" in rows[0].text
    assert rows[0].delivery_key == f"lead_nudge:{ids['accepted_stale']}:2026-12-01"


def test_end_from_the_home_ends_the_pair_and_tells_them(bot: RunningBot) -> None:
    at_program_now(bot)
    ids = seed_program(bot.engine)
    home = open_home(bot, ADMIN)
    end = next(b for b in home_buttons(home) if b["action_id"] == LEAD_END_ACTION and b["value"] == str(ids["quiet"]))
    assert end["confirm"]["confirm"]["text"] == "End the pairing"  # Slack asks before the press reaches us
    after = press_on_home(bot, ADMIN, home, LEAD_END_ACTION, str(ids["quiet"]))
    assert "has ended; I told them" in text_of(after)
    assert "· ended" in pair_block(after, ids["quiet"])
    with session_scope(bot.engine) as session:
        pair = session.get(Pair, ids["quiet"])
        assert pair is not None and pair.status == PairStatus.ENDED and pair.ended_by == ADMIN
    posts = [c.args for c in bot.fake.calls("chat.postMessage") if c.args.get("channel") == "G0QUIET"]
    assert len(posts) == 1 and f"<@{ADMIN}> ended this mentoring pairing" in posts[0]["text"]
    twice = press_on_home(bot, ADMIN, after, LEAD_END_ACTION, str(ids["quiet"]))
    assert "already ended" in text_of(twice)


def test_non_admins_never_see_the_program_and_their_crafted_presses_change_nothing(bot: RunningBot) -> None:
    at_program_now(bot)
    ids = seed_program(bot.engine)
    admin_home = open_home(bot, ADMIN)
    own = open_home(bot, MENTOR)
    assert "The program" not in text_of(own) and "lead_pair_" not in text_of(own) and "lead_filter" not in text_of(own)
    for action, value in ((LEAD_NUDGE_ACTION, ids["quiet"]), (LEAD_END_ACTION, ids["quiet"])):
        refused = press_on_home(bot, MENTOR, admin_home, action, str(value))
        assert REFUSED in text_of(refused) and "lead_pair_" not in text_of(refused)
    refused = press_on_home(bot, MENTOR, admin_home, LEAD_FILTER_ATTENTION_ACTION, "attention")
    assert REFUSED in text_of(refused) and "lead_filter" not in text_of(refused)
    with session_scope(bot.engine) as session:
        pair = session.get(Pair, ids["quiet"])
        assert pair is not None and pair.status == PairStatus.ACTIVE
        assert not list(session.exec(select(Outbox).where(Outbox.kind == "lead_nudge")))
    assert not [c for c in bot.fake.calls("chat.postMessage") if c.args.get("channel") == "G0QUIET"]


def test_an_admin_in_a_pair_sees_their_own_pair_and_the_program(bot: RunningBot) -> None:
    with session_scope(bot.engine) as session:
        add_pair(session, mentor=ADMIN, mentee=MENTEE, channel="G0ADMINPAIR")
        add_pair(session, mentor=MENTOR, mentee="U0THIRD", channel="G0OTHERPAIR")
    text = text_of(open_home(bot, ADMIN))
    assert f"Mentoring <@{MENTEE}>" in text
    assert "The program" in text and f"<@{MENTOR}> mentoring <@U0THIRD>" in text


def test_the_program_select_shows_one_programs_pairs_and_counts(bot: RunningBot) -> None:
    at_program_now(bot)
    ids = seed_program(bot.engine)
    with session_scope(bot.engine) as session:
        spring = Program(
            team_id=TEAM_ID,
            name="Spring 2027 engineering mentoring",
            starts_on=date(2026, 11, 1),
            ends_on=date(2027, 3, 1),
            created_by=ADMIN,
            created_at=PROGRAM_NOW,
        )
        session.add(spring)
        session.flush()
        for name in ("quiet", "goals"):
            pair = session.get(Pair, ids[name])
            assert pair is not None
            pair.program_id = spring.id
            session.add(pair)
        spring_id = spring.id
    home = open_home(bot, ADMIN)
    select = next(
        e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"] if e["type"] == "static_select"
    )
    assert [o["text"]["text"] for o in select["options"]] == ["All programs", "Spring 2027 engineering mentoring"]
    shown = press_on_home(bot, ADMIN, home, LEAD_PROGRAM_ACTION, str(spring_id))
    listed = {b["block_id"] for b in shown["blocks"] if b.get("block_id", "").startswith("lead_pair_")}
    assert listed == {f"lead_pair_{ids['quiet']}", f"lead_pair_{ids['goals']}"}
    assert "The program: Spring 2027 engineering mentoring" in text_of(shown)
    assert "*2* live pairs" in text_of(shown) and "*1* need attention" in text_of(shown)
    attention = press_on_home(bot, ADMIN, shown, LEAD_FILTER_ATTENTION_ACTION, "attention")  # the program stays
    assert {b["block_id"] for b in attention["blocks"] if b.get("block_id", "").startswith("lead_pair_")} == {
        f"lead_pair_{ids['quiet']}"
    }
    everyone = press_on_home(bot, ADMIN, attention, LEAD_PROGRAM_ACTION, "all")
    assert "*9* live pairs" in text_of(everyone)


def test_with_oauth_a_workspace_admin_leads_too_and_slack_is_asked_once_a_day(
    deps: Deps, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    fake_slack.state.users[OTHER]["is_owner"] = True
    oauth = replace(deps, settings=replace(deps.settings, slack_client_id="1.2", slack_client_secret="secret"))
    assert is_lead(oauth, deps.client, team_id=TEAM_ID, user_id=OTHER)
    assert not is_lead(oauth, deps.client, team_id=TEAM_ID, user_id=MENTOR)
    assert is_lead(oauth, deps.client, team_id=TEAM_ID, user_id=OTHER)
    assert [c.args["user"] for c in fake_slack.calls("users.info")] == [OTHER, MENTOR]  # cached for a day
    clock.advance(days=1, seconds=1)
    assert is_lead(oauth, deps.client, team_id=TEAM_ID, user_id=OTHER)
    assert len(fake_slack.calls("users.info")) == 3
    assert not is_lead(deps, deps.client, team_id=TEAM_ID, user_id=OTHER)  # without OAuth: MENTOR_ADMINS only
    with session_scope(deps.engine) as session:
        assert program_leads(session, oauth.settings, team_id=TEAM_ID) == sorted([ADMIN, OTHER])  # the digest's
        assert program_leads(session, deps.settings, team_id=TEAM_ID) == [ADMIN]


def test_garbled_or_foreign_presses_by_an_admin_change_nothing_and_say_why(bot: RunningBot) -> None:
    at_program_now(bot)
    with session_scope(bot.engine) as session:
        foreign = add_pair(session, team_id="T0ELSEWHERE", channel="G0ELSE")
        foreign_id = foreign.id
    home = open_home(bot, ADMIN)
    for action, value in ((LEAD_NUDGE_ACTION, "abc"), (LEAD_END_ACTION, str(foreign_id)), (LEAD_NUDGE_ACTION, "")):
        answer = press_on_home(bot, ADMIN, home, action, value)
        assert "I couldn't find that pair" in text_of(answer), (action, value)
    odd = press_on_home(bot, ADMIN, dict(home, private_metadata="{not json"), LEAD_NEXT_ACTION, "-3")
    assert "The program" in text_of(odd)
    with session_scope(bot.engine) as session:
        pair = session.get(Pair, foreign_id)
        assert pair is not None and pair.status == PairStatus.ACTIVE
        assert not list(session.exec(select(Outbox)))
