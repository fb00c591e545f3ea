"""The [[schedule]] slots of briefing.toml, run by the service: at each tick, a schedule whose
latest fire time (APScheduler's cron trigger: days of the week, a time, a time zone) is later
than the slot it last handled gets one job queued for it. The handled slot is kept in SQLite
with the job, so a restart never queues a slot twice, and a server that was down over one or
more slots queues the latest of them once, late; a schedule seen for the first time starts from
now (it does not make up for days before it existed)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from ..config import Schedule
from .jobs import Jobs

TICK_SECONDS = 20.0  # how often the schedules are looked at; a slot is queued within this of its time


def trigger(schedule: Schedule):
    """The schedule's cron trigger, in its time zone (the machine's when it names none)."""
    hour, minute = schedule.at.split(":")
    zone = ZoneInfo(schedule.timezone) if schedule.timezone else dt.datetime.now().astimezone().tzinfo
    return CronTrigger(day_of_week=schedule.days, hour=int(hour), minute=int(minute), timezone=zone)


def latest_slot(schedule: Schedule, after: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """The latest fire time later than `after` and not later than now, or None."""
    cron = trigger(schedule)
    latest, following = None, cron.get_next_fire_time(None, after + dt.timedelta(microseconds=1))
    while following is not None and following <= now:
        latest = following
        following = cron.get_next_fire_time(following, following + dt.timedelta(microseconds=1))
    return latest


def queue_due(jobs: Jobs, schedules: tuple[Schedule, ...], now: dt.datetime) -> list[str]:
    """Queue a job for each schedule with a slot due since its last; returns their names."""
    queued = []
    for schedule in schedules:
        last = jobs.last_slot(schedule.name)
        if last is None:
            jobs.mark_slot(schedule.name, now, queue=False)  # first seen: from now on
            continue
        slot = latest_slot(schedule, last, now)
        if slot is not None:
            jobs.mark_slot(schedule.name, slot, schedule.title)
            queued.append(schedule.name)
    return queued


class Scheduler:
    """Looks at the schedules every TICK_SECONDS on a thread of its own until stop()."""

    def __init__(
        self,
        jobs: Jobs,
        schedules: tuple[Schedule, ...],
        wake: Callable[[], None],
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ):
        self.jobs, self.schedules, self.wake, self.clock = jobs, schedules, wake, clock
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="briefing-schedules", daemon=True)

    def start(self) -> None:
        if self.schedules:
            self.thread.start()

    def stop(self) -> None:
        self.stopping.set()

    def _run(self) -> None:
        while not self.stopping.is_set():
            if queue_due(self.jobs, self.schedules, self.clock()):
                self.wake()
            self.stopping.wait(TICK_SECONDS)
