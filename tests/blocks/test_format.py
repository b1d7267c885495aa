"""Shared formatting: dates every reader sees in local time, and user text that cannot ping anyone."""

from __future__ import annotations

from datetime import UTC, datetime

from blocks.actions import item_line
from blocks.format import escape_mrkdwn, slack_date
from storage.models import ActionItem


def test_slack_date_renders_locally_with_a_fallback_in_utc_or_the_given_zone() -> None:
    when = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    assert slack_date(when) == "<!date^1796313600^{date_short_pretty} at {time}|Thu 03 Dec 2026 16:00 UTC>"
    assert slack_date(when, "{date_short_pretty}", tz="Europe/Berlin").endswith("|Thu 03 Dec 2026 17:00 Europe/Berlin>")


def test_user_text_cannot_ping_the_channel_or_forge_links() -> None:
    assert escape_mrkdwn("<!channel> & <https://x|y>") == "&lt;!channel&gt; &amp; &lt;https://x|y&gt;"


def test_follow_through_items_show_user_text_escaped() -> None:
    item = ActionItem(
        team_id="T0001",
        pair_id=1,
        owner_id="U1",
        text="tell <!channel> about it",
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
    )
    line = item_line(item, datetime(2026, 11, 26, tzinfo=UTC))
    assert "<!channel>" not in line and "&lt;!channel&gt;" in line
