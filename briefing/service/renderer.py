"""The background renderer: takes queued jobs and makes each into its own episode in the podcast
folder's feed, through the same pipeline as `briefing make --publish` (segment cache, fallback
engine, cluster), so the server keeps answering while it renders.

Jobs render as many at once as there are workers to speak them: one by default, Piper speaking in
this process (no worker is forked beside the server's threads); with Piper's workers (`[voice]
workers = N`), N at once sharing N worker processes; on a cluster (`[cluster]`), one per cluster worker, sharing it.
While one job's voice speaks, another's page is read or its audio encoded. The SQLite queue stays
the record: a job is claimed by one thread in one transaction; a job whose speaking worker died
is queued again (up to RENDER_ATTEMPTS renders) and, made from the same source, is published under
the same episode name, so once."""

from __future__ import annotations

import os
import threading
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from ..config import Schedule
from ..errors import RENDER_ATTEMPTS, BriefingError, WorkerDied
from ..ingest.sources import parse_text, read_source
from ..options import MakeOptions
from ..pipeline import make
from ..tts.cluster import client_for
from .jobs import Job, Jobs

IDLE_SECONDS = 1.0  # how often an idle renderer looks for work (a submission also wakes it at once)


class Cancelled(Exception):
    """Raised in the render of a job the user cancelled, at its next step (a segment spoken, a
    stage begun): the pipeline's staged writes leave nothing of it behind."""


class Renderer:
    """Renders the folder's queue on threads of its own until stop()."""

    def __init__(
        self, jobs: Jobs, options: MakeOptions, allow_private: bool = False, schedules: tuple[Schedule, ...] = ()
    ):
        self.jobs = jobs
        self.schedules = {schedule.name: schedule for schedule in schedules}
        # Every job is published to the folder's feed; what others send is fetched from public
        # addresses only; Piper speaks in this process unless told otherwise (--workers), so no
        # worker is forked beside the server's threads.
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
        # The jobs being rendered, each with whether it was asked to stop: one lock for both, so a
        # cancel that comes as a render ends is either taken or refused, never left for a later retry.
        self.rendering: dict[str, bool] = {}
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self.cluster = None  # the Dask client every job speaks on, while the renderer runs with one
        self._resources = ExitStack()

    def start(self) -> None:
        self.jobs.resume()  # a server killed mid-render: those jobs are queued again
        self.cluster = self._resources.enter_context(client_for(self.options.voice.cluster))
        for number in range(self.at_once()):
            self.threads.append(threading.Thread(target=self._run, name=f"briefing-renderer-{number}", daemon=True))
            self.threads[-1].start()

    def at_once(self) -> int:
        """How many jobs render at once: one per cluster worker, or per Piper worker process."""
        if self.cluster is not None:
            return max(1, len(self.cluster.scheduler_info().get("workers", {})))
        return self.options.voice.engines.piper.workers or 1

    def cancel(self, job_id: str) -> bool:
        """Stop rendering job_id at its next step and drop the job; False when it is not rendering."""
        with self.lock:
            if job_id not in self.rendering:
                return False
            self.rendering[job_id] = True
            return True

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        self._resources.close()

    def _run(self) -> None:
        while not self.stopping.is_set():
            job = self.jobs.claim()
            if job is None:
                self.wake.wait(IDLE_SECONDS)
                self.wake.clear()  # another idle thread may miss this wake: it looks again within IDLE_SECONDS
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
            return make([], self.scheduled(job.schedule), progress, cluster=self.cluster)
        if job.url:
            progress("reading", 0, 1)
            article = read_source(job.url, self.options.ingest.fetch)
            self.jobs.titled(job.id, article.title)
        else:
            article = parse_text(f"{job.title}\n\n{job.text}" if job.title else job.text, "submitted text")
        return make([], self.options, progress, articles=[article], cluster=self.cluster)

    def render(self, job: Job) -> None:
        """Make the job's episode and record how it went (how far while it renders, its error line
        when it fails)."""

        def progress(stage: str, done: int, total: int) -> None:
            if self.rendering.get(job.id):
                raise Cancelled(job.id)
            if not self.stopping.is_set():  # once stopping, the database is being closed
                self.jobs.progressed(job.id, f"{stage} {done}/{total}" if total else stage)

        with self.lock:
            self.rendering[job.id] = False
        try:
            episode = self._make(job, progress)
        except Exception as error:
            if not self.stopping.is_set():  # stopping: the job stays rendering, and is queued again on restart
                self._record_failure(job, error)
            return
        finally:
            with self.lock:
                del self.rendering[job.id]
        if not self.stopping.is_set():  # else it is queued again on restart, and made under the same name
            self.jobs.published(job.id, Path(os.path.relpath(episode.audio, self.options.output_dir)).as_posix())

    def _record_failure(self, job: Job, error: Exception) -> None:
        """What became of a job whose render ended early: dropped (cancelled), queued again (its
        worker died), or failed with its one line."""
        if isinstance(error, Cancelled):
            self.jobs.forget(job.id)
        elif isinstance(error, WorkerDied) and job.attempts < RENDER_ATTEMPTS:
            self.jobs.requeue(job.id, str(error))
            self.wake.set()
        elif isinstance(error, BriefingError):
            self.jobs.failed(job.id, str(error))
        else:  # a bug must not take the renderer down with it: the job says what
            self.jobs.failed(job.id, f"{type(error).__name__}: {error}")
