"""The background renderer: takes queued jobs one at a time and makes each into its own episode
in the podcast folder's feed, through the same pipeline as `briefing make --publish` (segment
cache, fallback engine, cluster), so the server keeps answering while it renders."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

from ..config import Schedule
from ..errors import BriefingError
from ..ingest.sources import parse_text, read_source
from ..options import MakeOptions
from ..pipeline import make
from .jobs import Job, Jobs

IDLE_SECONDS = 1.0  # how often an idle renderer looks for work (a submission also wakes it at once)


class Cancelled(Exception):
    """Raised in the render of a job the user cancelled, at its next step (a segment spoken, a
    stage begun): the pipeline's staged writes leave nothing of it behind."""


class Renderer:
    """Renders the folder's queue on a thread of its own until stop()."""

    def __init__(
        self, jobs: Jobs, options: MakeOptions, allow_private: bool = False, schedules: tuple[Schedule, ...] = ()
    ):
        self.jobs = jobs
        self.schedules = {schedule.name: schedule for schedule in schedules}
        # Every job is published to the folder's feed; what others send is fetched from public
        # addresses only; Piper speaks in this process on one core unless told otherwise, so the
        # other stays free for listeners (and no worker is forked beside the server's threads).
        engines = options.voice.engines
        self.options = replace(
            options,
            publish=replace(options.publish, to_feed=True),
            ingest=replace(options.ingest, fetch=replace(options.ingest.fetch, allow_private=allow_private)),
            voice=replace(
                options.voice,
                engines=replace(engines, piper=replace(engines.piper, workers=engines.piper.workers or 1)),
            ),
        )
        self.wake = threading.Event()
        self.stopping = threading.Event()
        # The job being rendered, and whether it was asked to stop: one lock for both, so a cancel
        # that comes as the render ends is either taken or refused, never left for a later retry.
        self.rendering: str | None = None
        self.cancelled = False
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="briefing-renderer", daemon=True)

    def start(self) -> None:
        self.jobs.resume()  # a server killed mid-render: those jobs are queued again
        self.thread.start()

    def cancel(self, job_id: str) -> bool:
        """Stop rendering job_id at its next step and drop the job; False when it is not rendering."""
        with self.lock:
            if self.rendering != job_id:
                return False
            self.cancelled = True
            return True

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()

    def _run(self) -> None:
        while not self.stopping.is_set():
            job = self.jobs.claim()
            if job is None:
                self.wake.wait(IDLE_SECONDS)
                self.wake.clear()
                continue
            self.render(job)

    def scheduled(self, name: str) -> MakeOptions:
        """The options of a scheduled briefing: its feeds (the user's own, so private addresses are
        allowed), length and title."""
        schedule = self.schedules.get(name)
        if schedule is None:
            raise BriefingError(f"no schedule {name!r} in briefing.toml any more")
        return replace(
            self.options,
            ingest=replace(
                self.options.ingest,
                feeds=tuple(schedule.from_feed),
                fetch=replace(self.options.ingest.fetch, allow_private=True),
            ),
            writing=replace(self.options.writing, minutes=schedule.minutes, title=schedule.title),
        )

    def _make(self, job: Job, progress):
        """The job's episode: a schedule's briefing, a page (its headline shown in the queue as soon
        as the page is read), or a submitted text."""
        if job.schedule:
            return make([], self.scheduled(job.schedule), progress)
        if job.url:
            progress("reading", 0, 1)
            article = read_source(job.url, self.options.ingest.fetch)
            self.jobs.titled(job.id, article.title)
            return make([], self.options, progress, articles=[article])
        article = parse_text(f"{job.title}\n\n{job.text}" if job.title else job.text, "submitted text")
        return make([], self.options, progress, articles=[article])

    def render(self, job: Job) -> None:
        """Make the job's episode and record how it went (how far while it renders, its error line
        when it fails)."""

        def progress(stage: str, done: int, total: int) -> None:
            if self.cancelled:
                raise Cancelled(job.id)
            if not self.stopping.is_set():  # once stopping, the database is being closed
                self.jobs.progressed(job.id, f"{stage} {done}/{total}" if total else stage)

        with self.lock:
            self.rendering, self.cancelled = job.id, False
        try:
            episode = self._make(job, progress)
        except Cancelled:
            self.jobs.forget(job.id)
            return
        except BriefingError as error:
            self.jobs.failed(job.id, str(error))
            return
        except Exception as error:  # a bug must not take the renderer down with it: the job says what
            self.jobs.failed(job.id, f"{type(error).__name__}: {error}")
            return
        finally:
            with self.lock:
                self.rendering = None
        self.jobs.published(job.id, Path(os.path.relpath(episode.audio, self.options.output_dir)).as_posix())
