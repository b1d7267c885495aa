"""Where each pair of a program stands: stage, last activity, next meeting, and the reasons it needs attention."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from mentoring.program_status import Attention, Stage, pair_statuses, program_counts
from storage.db import session_scope
from storage.models import ActionItem, ActionStatus, Boundaries, Pair, PairStatus, Program
from tests.support.fake_slack import TEAM_ID
from tests.support.program import EXPECTED, PROGRAM_NOW, seed_program
from tests.support.slack_user import add_pair, add_prework


def test_each_seeded_pair_is_in_its_stage_with_exactly_its_attention_reasons(engine: Engine) -> None:
    ids = seed_program(engine)
    with session_scope(engine) as session:
        states = {s.pair.id: s for s in pair_statuses(session, team_id=TEAM_ID, now=PROGRAM_NOW)}
    for name, (stage, reasons) in EXPECTED.items():
        state = states[ids[name]]
        assert (state.stage, tuple(r.code for r in state.attention)) == (stage, reasons), name


def test_meeting_stage_names_the_latest_meeting_and_the_next_one(engine: Engine) -> None:
    ids = seed_program(engine)
    with session_scope(engine) as session:
        states = {s.pair.id: s for s in pair_statuses(session, team_id=TEAM_ID, now=PROGRAM_NOW)}
    meetings = states[ids["meetings"]]
    assert meetings.meeting_number == 2  # 19 and 26 November have passed
    assert meetings.stage_words == "meeting 2 of the series"
    assert meetings.next_meeting is not None and meetings.next_meeting.date().isoformat() == "2026-12-03"
    assert states[ids["goals"]].stage_words == "setting goals"
    assert states[ids["quiet"]].attention[0].text == "quiet for 4 meetings in a row"
    assert states[ids["ended"]].next_meeting is None


def test_pairs_needing_attention_come_first_ended_ones_last_and_counts_add_up(engine: Engine) -> None:
    seed_program(engine)
    with session_scope(engine) as session:
        states = pair_statuses(session, team_id=TEAM_ID, now=PROGRAM_NOW)
    assert [s.needs_attention for s in states[:4]] == [True, True, True, False]
    assert states[-1].stage == Stage.ENDED and all(s.live for s in states[:-1])
    counts = program_counts(states)
    assert (counts.live, counts.invited, counts.setting_up, counts.meeting) == (9, 2, 5, 2)
    assert (counts.needs_attention, counts.ended) == (3, 1)


def test_last_activity_is_the_newest_thing_a_member_did(engine: Engine) -> None:
    ids = seed_program(engine)
    with session_scope(engine) as session:
        states = {s.pair.id: s for s in pair_statuses(session, team_id=TEAM_ID, now=PROGRAM_NOW)}
    assert states[ids["accepted_stale"]].last_activity == PROGRAM_NOW - timedelta(days=10)
    assert states[ids["boundaries"]].last_activity == PROGRAM_NOW - timedelta(days=1)  # the proposal
    assert states[ids["ended"]].last_activity == PROGRAM_NOW - timedelta(days=3)


def test_other_workspaces_and_declined_invitations_are_not_part_of_the_program(engine: Engine) -> None:
    with session_scope(engine) as session:
        add_pair(session, team_id="T0OTHER", created_at=PROGRAM_NOW)
        add_pair(session, mentor="U0A", mentee="U0B", status=PairStatus.DECLINED, created_at=PROGRAM_NOW)
    with session_scope(engine) as session:
        assert pair_statuses(session, team_id=TEAM_ID, now=PROGRAM_NOW) == []


def test_a_week_old_pair_with_one_members_prework_is_told_whose_is_missing(engine: Engine) -> None:
    with session_scope(engine) as session:
        pair: Pair = add_pair(session, created_at=PROGRAM_NOW - timedelta(days=8))
        add_prework(session, pair, pair.mentee_id, wants="w", brings="b", expects="e")
    with session_scope(engine) as session:
        (state,) = pair_statuses(session, team_id=TEAM_ID, now=PROGRAM_NOW)
    assert [r.code for r in state.attention] == [Attention.NO_PREWORK, Attention.NO_BOUNDARIES]
    assert state.attention[0].text == "pre-work from only one of them 8 days after accepting"


def test_open_items_carried_over_three_meetings_need_attention_done_ones_do_not(engine: Engine) -> None:
    ids = seed_program(engine)
    with session_scope(engine) as session:
        for carried, status in ((3, ActionStatus.OPEN), (5, ActionStatus.OPEN), (2, ActionStatus.OPEN)):
            session.add(_item(ids["meetings"], carried, status))
        session.add(_item(ids["goals"], 4, ActionStatus.DONE))
    with session_scope(engine) as session:
        states = {s.pair.id: s for s in pair_statuses(session, team_id=TEAM_ID, now=PROGRAM_NOW)}
    assert [(r.code, r.text) for r in states[ids["meetings"]].attention] == [
        (Attention.CARRIED_OVER, "2 follow-through items carried over 3 meetings or more")
    ]
    assert not states[ids["goals"]].needs_attention


def test_a_program_lists_only_its_own_pairs(engine: Engine) -> None:
    ids = seed_program(engine)
    with session_scope(engine) as session:
        program = Program(
            team_id=TEAM_ID,
            name="Spring",
            starts_on=date(2026, 11, 1),
            ends_on=date(2027, 3, 1),
            created_by="U0A",
            created_at=PROGRAM_NOW,
        )
        session.add(program)
        session.flush()
        pair = session.get(Pair, ids["quiet"])
        assert pair is not None
        pair.program_id = program.id
        session.add(pair)
        program_id = program.id
    with session_scope(engine) as session:
        states = pair_statuses(session, team_id=TEAM_ID, now=PROGRAM_NOW, program_id=program_id)
    assert [s.pair.id for s in states] == [ids["quiet"]]


def _item(pair_id: int, carried: int, status: str) -> ActionItem:
    return ActionItem(
        team_id=TEAM_ID,
        pair_id=pair_id,
        owner_id="U0MEMEETINGS",
        text="Read the chapter",
        status=status,
        carried_over=carried,
        created_at=PROGRAM_NOW - timedelta(days=20),
    )


def test_a_pair_with_unreadable_boundaries_is_still_listed_and_does_not_hide_the_others(engine: Engine) -> None:
    ids = seed_program(engine)
    with session_scope(engine) as session:
        broken = session.exec(select(Boundaries).where(Boundaries.pair_id == ids["meetings"])).one()
        broken.start_time = "25:00"
        session.add(broken)
    with session_scope(engine) as session:
        states = {s.pair.id: s for s in pair_statuses(session, team_id=TEAM_ID, now=PROGRAM_NOW)}
    assert len(states) == len(EXPECTED)
    assert states[ids["meetings"]].next_meeting is None
    assert states[ids["quiet"]].stage == Stage.QUIET
