"""The scheduler: an APScheduler BackgroundScheduler that runs ``tick`` every minute in serve mode.

The database keeps the truth; the scheduler only keeps time. The job store is in memory and
never shared; every run re-reads the database, so running it twice (or in two processes) is safe.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from mentoring.deps import Deps
from scheduler.tick import tick

logger = logging.getLogger(__name__)

TICK_JOB_ID = "mentor-bot-tick"
TICK_INTERVAL_S = 60


def _run_tick(deps: Deps) -> None:
    try:
        tick(deps.now(), deps)
    except Exception:  # a failed pass is retried by the next one; the scheduler must keep running
        logger.exception("scheduler tick failed")


def build_scheduler(deps: Deps) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        _run_tick,
        trigger=IntervalTrigger(seconds=TICK_INTERVAL_S, timezone="UTC"),
        args=[deps],
        id=TICK_JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=TICK_INTERVAL_S // 2,
        next_run_time=deps.now(),
    )
    return scheduler
