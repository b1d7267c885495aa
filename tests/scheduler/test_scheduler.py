"""The serve-mode scheduler keeps time only: one interval job, coalesced, one instance at a time, running tick."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.triggers.interval import IntervalTrigger

from mentoring.deps import Deps
from mentoring.outbox import PlannedPost, enqueue
from scheduler import TICK_INTERVAL_S, TICK_JOB_ID, build_scheduler
from storage.db import session_scope
from tests.support.clock import FakeClock
from tests.support.fake_slack import FakeSlack


def test_scheduler_runs_tick_every_minute_coalesced_one_at_a_time(deps: Deps) -> None:
    scheduler = build_scheduler(deps)
    (job,) = scheduler.get_jobs()
    assert job.id == TICK_JOB_ID
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval.total_seconds() == TICK_INTERVAL_S == 60
    assert job.coalesce is True
    assert job.max_instances == 1
    assert job.misfire_grace_time and job.misfire_grace_time < TICK_INTERVAL_S


def test_the_serve_mode_job_runs_a_tick_that_posts(deps: Deps, fake_slack: FakeSlack, clock: FakeClock) -> None:
    """Started as serve mode starts it, the scheduler's first run posts what is due."""
    clock.set(datetime.now(UTC))  # the job's first run is at the injected clock's now: make that now
    with session_scope(deps.engine) as session:
        enqueue(
            session,
            [PlannedPost("serve:0", "T0001", "G0SERVE", "test", "from the scheduler", not_before=clock())],
            now=clock(),
        )
    scheduler = build_scheduler(deps)
    scheduler.start()
    try:
        (post,) = fake_slack.wait_for(lambda f: f.posts("G0SERVE"), timeout=20)
    finally:
        scheduler.shutdown(wait=True)
    assert post["text"] == "from the scheduler"
