"""The lead's weekly digest: exactly the pairs that need attention and the undelivered posts, once a week,
inside the admin's working hours, and nothing at all when nothing needs the lead."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from mentoring.deps import Deps
from scheduler.producers import digest
from scheduler.tick import tick
from storage.db import session_scope
from storage.models import Outbox, OutboxStatus, Pair, PairStatus, SlackUser
from tests.support.fake_slack import TEAM_ID, FakeSlack
from tests.support.program import PROGRAM_NOW, seed_program
from tests.support.slack_user import ADMIN, add_pair


def run(deps: Deps, fake: FakeSlack, at: object) -> list[str]:
    """One pass of the digest producer at ``at``; the digest texts posted in it."""
    before = len(fake.calls("chat.postMessage"))
    deps.clock.set(at)  # type: ignore[attr-defined]
    tick(deps.now(), deps, producers=[digest.produce])
    return [
        c.args["text"] for c in fake.calls("chat.postMessage")[before:] if "weekly mentoring digest" in c.args["text"]
    ]


def digest_rows(deps: Deps) -> list[Outbox]:
    with session_scope(deps.engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.kind == digest.KIND)))


def admin_in(deps: Deps, tz: str) -> None:
    with session_scope(deps.engine) as session:
        session.add(SlackUser(team_id=TEAM_ID, user_id=ADMIN, tz=tz, fetched_at=PROGRAM_NOW))


def test_the_digest_lists_exactly_the_pairs_that_need_attention_and_why(deps: Deps, fake_slack: FakeSlack) -> None:
    seed_program(deps.engine)
    (text,) = run(deps, fake_slack, PROGRAM_NOW)
    assert "*3 pairs need attention:*" in text
    for name in ("INVITED_STALE", "ACCEPTED_STALE", "QUIET"):
        assert f"<@U0MR{name}> mentoring <@U0ME{name}>" in text
    for name in ("INVITED>", "ACCEPTED>", "PREWORK", "BOUNDARIES", "GOALS", "MEETINGS", "ENDED"):
        assert f"<@U0MR{name}" not in text.split("*New in")[0], name
    assert "invitation not accepted after 5 days" in text
    assert "no pre-work 10 days after accepting; no agreed boundaries 10 days after accepting" in text
    assert "quiet for 4 meetings in a row" in text
    assert "could not be delivered" not in text
    assert "*New in the last 7 days (6):*" in text
    (row,) = digest_rows(deps)
    assert row.channel_id == ADMIN and row.status == OutboxStatus.SENT
    assert row.delivery_key == f"lead_digest:{TEAM_ID}:{ADMIN}:2026-W49"


def test_nothing_is_sent_when_nothing_needs_attention(deps: Deps, fake_slack: FakeSlack) -> None:
    with session_scope(deps.engine) as session:
        add_pair(session, created_at=PROGRAM_NOW - timedelta(days=1))
        add_pair(session, mentor="U0A", mentee="U0B", status=PairStatus.PENDING, created_at=PROGRAM_NOW)
    assert run(deps, fake_slack, PROGRAM_NOW) == []
    assert digest_rows(deps) == []


def test_once_a_week_and_again_the_next_week(deps: Deps, fake_slack: FakeSlack) -> None:
    seed_program(deps.engine)
    assert len(run(deps, fake_slack, PROGRAM_NOW)) == 1
    assert run(deps, fake_slack, PROGRAM_NOW + timedelta(days=1)) == []  # Wednesday, same ISO week
    assert len(run(deps, fake_slack, PROGRAM_NOW + timedelta(days=6))) == 1  # Monday 7 December
    assert len(digest_rows(deps)) == 2


def test_only_inside_the_admins_working_hours_in_their_own_zone(deps: Deps, fake_slack: FakeSlack) -> None:
    seed_program(deps.engine)
    admin_in(deps, "Asia/Tokyo")
    assert run(deps, fake_slack, PROGRAM_NOW) == []  # 19:00 in Tokyo
    assert run(deps, fake_slack, PROGRAM_NOW + timedelta(days=4)) == []  # Saturday
    assert len(run(deps, fake_slack, PROGRAM_NOW + timedelta(hours=15))) == 1  # Wednesday 10:00 in Tokyo


def test_undelivered_posts_are_reported_with_their_reason_even_when_every_pair_is_fine(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    with session_scope(deps.engine) as session:
        pair: Pair = add_pair(session, created_at=PROGRAM_NOW - timedelta(days=1))
        for n in range(2):
            session.add(
                Outbox(
                    team_id=TEAM_ID,
                    delivery_key=f"reminder:{pair.id}:{n}",
                    kind="reminder",
                    pair_id=pair.id,
                    channel_id="G0GONE",
                    text="Reminder",
                    not_before=PROGRAM_NOW - timedelta(days=2),
                    status=OutboxStatus.FAILED,
                    attempts=1,
                    last_error="channel_not_found",
                    claimed_at=PROGRAM_NOW - timedelta(days=2),
                    created_at=PROGRAM_NOW - timedelta(days=2),
                )
            )
    (text,) = run(deps, fake_slack, PROGRAM_NOW)
    assert "need attention" not in text
    assert "*2 posts could not be delivered in the last 7 days:*" in text
    assert "• 2 × the conversation no longer exists or the bot cannot see it (channel_not_found)" in text


def test_only_admins_get_it(deps: Deps, fake_slack: FakeSlack) -> None:
    seed_program(deps.engine)
    run(deps, fake_slack, PROGRAM_NOW)
    assert [row.channel_id for row in digest_rows(deps)] == [ADMIN]
