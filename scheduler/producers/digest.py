"""The lead's weekly digest: a DM to each program lead (``mentoring.leads``), once per ISO week, in their working hours.

It lists the pairs that need attention (``mentoring.program_status``), the posts that could not be delivered
in the last seven days and why, and the pairs that started in the last seven days. When no pair needs
attention and every post was delivered, nothing is sent (and a later pass that week may still send it,
should something come up). Working hours: weekdays 09:00–17:00 in the admin's Slack time zone (from the
users cache; ``MENTOR_DEFAULT_TZ`` when unknown). The delivery key names the workspace, the admin and the
ISO week of their local date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from mentoring.leads import program_leads
from mentoring.outbox import DELIVERY_ALERT_KIND, PlannedPost, reason_in_words, undelivered
from mentoring.program_status import PairState, needing_attention, pair_statuses
from mentoring.settings import Settings
from mentoring.users import cached_user, valid_tz
from storage.models import Outbox, Pair

KIND = "lead_digest"
WORKDAY_START, WORKDAY_END = time(9, 0), time(17, 0)
#: What "this week" looks back on: new pairs and undelivered posts.
LOOK_BACK = timedelta(days=7)
#: Pairs listed by name; the rest are counted (the Home's *Needs attention* filter lists them all).
LISTED_AT_MOST = 25


def working_hours(now: datetime, tz: str) -> bool:
    local = now.astimezone(ZoneInfo(tz))
    return local.weekday() < 5 and WORKDAY_START <= local.time() < WORKDAY_END


def digest_key(team_id: str, admin: str, now: datetime, tz: str) -> str:
    year, week, _ = now.astimezone(ZoneInfo(tz)).isocalendar()
    return f"{KIND}:{team_id}:{admin}:{year}-W{week:02d}"


def _who(state: PairState) -> str:
    return f"<@{state.pair.mentor_id}> mentoring <@{state.pair.mentee_id}>"


def digest_text(session: Session, *, team_id: str, now: datetime) -> str | None:
    """The digest for one workspace at ``now``, or None when nothing needs the lead."""
    states = pair_statuses(session, team_id=team_id, now=now)
    attention = needing_attention(states)
    stuck = undelivered(
        session, team_id=team_id, now=now, given_up_since=now - LOOK_BACK, exclude_kinds=[DELIVERY_ALERT_KIND, KIND]
    )
    if not attention and not stuck:
        return None
    lines = [":clipboard: *Your weekly mentoring digest*"]
    if attention:
        noun = "1 pair needs" if len(attention) == 1 else f"{len(attention)} pairs need"
        lines.append(f"\n*{noun} attention:*")
        for state in attention[:LISTED_AT_MOST]:
            lines.append(f"• {_who(state)} ({state.stage_words}): {'; '.join(r.text for r in state.attention)}")
        if len(attention) > LISTED_AT_MOST:
            lines.append(f"• … and {len(attention) - LISTED_AT_MOST} more")
    if stuck:
        noun = "1 post" if len(stuck) == 1 else f"{len(stuck)} posts"
        lines.append(f"\n*{noun} could not be delivered in the last 7 days:*")
        for reason, count in sorted(Counter(item.reason for item in stuck).items()):
            lines.append(f"• {count} × {reason_in_words(reason)}")
    new = [s for s in states if s.pair.created_at > now - LOOK_BACK]
    if new:
        names = ", ".join(_who(s) for s in new[:LISTED_AT_MOST])
        more = f" and {len(new) - LISTED_AT_MOST} more" if len(new) > LISTED_AT_MOST else ""
        lines.append(f"\n*New in the last 7 days ({len(new)}):* {names}{more}")
    lines.append("\nOn my *Home* tab, *Needs attention* lists these pairs with a *Nudge* and an *End* button for each.")
    return "\n".join(lines)


def produce(session: Session, now: datetime, settings: Settings) -> Iterator[PlannedPost]:
    """One digest per admin and workspace and ISO week, when it is a working hour for that admin."""
    teams = sorted(set(session.exec(select(Pair.team_id).distinct())))
    for team_id in teams:
        text: str | None = None
        computed = False
        for admin in program_leads(session, settings, team_id=team_id):
            cached = cached_user(session, team_id=team_id, user_id=admin)
            tz = valid_tz(cached.tz if cached else None) or valid_tz(settings.default_tz) or "UTC"
            if not working_hours(now, tz):
                continue
            key = digest_key(team_id, admin, now, tz)
            if session.exec(select(col(Outbox.id)).where(Outbox.delivery_key == key)).first() is not None:
                continue
            if not computed:
                text, computed = digest_text(session, team_id=team_id, now=now), True
            if text is None:
                break
            yield PlannedPost.to_person(admin, team_id=team_id, key=key, kind=KIND, text=text, not_before=now)
