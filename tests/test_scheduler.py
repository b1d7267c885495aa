"""The serve-mode scheduler keeps time only: one interval job, coalesced, one instance at a time."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from bot.deps import Deps
from scheduler import TICK_INTERVAL_S, TICK_JOB_ID, build_scheduler


def test_scheduler_runs_tick_every_minute_coalesced_one_at_a_time(deps: Deps) -> None:
    scheduler = build_scheduler(deps)
    (job,) = scheduler.get_jobs()
    assert job.id == TICK_JOB_ID
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval.total_seconds() == TICK_INTERVAL_S == 60
    assert job.coalesce is True
    assert job.max_instances == 1
    assert job.misfire_grace_time and job.misfire_grace_time < TICK_INTERVAL_S
