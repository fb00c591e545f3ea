"""The submission queue, in SQLite (WAL) in the podcast folder's state area (.briefing/, hidden:
never served). A job is queued, rendering, published or failed; a server killed at any moment
finds its rendering jobs queued again on restart (resume()), and renders them from the segment
cache; the same URL submitted again while it waits is the same job."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

STATE_DIR = ".briefing"
DATABASE = "service.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('queued', 'rendering', 'published', 'failed')),
    url TEXT, title TEXT, text TEXT,
    schedule TEXT,  -- made for this [[schedule]] (its name), not submitted
    progress TEXT,  -- while rendering: the stage and how far, e.g. "synthesising 12/40"
    error TEXT, episode TEXT,
    created TEXT NOT NULL, updated TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0  -- renders begun: a job whose worker died is queued again, up to a bound
);
CREATE UNIQUE INDEX IF NOT EXISTS one_waiting_job_per_url ON jobs (url) WHERE status IN ('queued', 'rendering');
CREATE INDEX IF NOT EXISTS by_created ON jobs (created);
CREATE TABLE IF NOT EXISTS schedules (
    name TEXT PRIMARY KEY,
    last_slot TEXT NOT NULL  -- the latest fire time handled (queued), ISO with its offset
);
"""


@dataclass(frozen=True)
class Job:
    id: str
    status: str
    url: str | None
    title: str | None
    text: str | None
    schedule: str | None  # the [[schedule]] it was made for
    progress: str | None  # while rendering: "synthesising 12/40"
    error: str | None  # why it failed, one line
    episode: str | None  # its audio file, relative to the podcast folder, once published
    created: str
    updated: str
    attempts: int = 0

    def public(self) -> dict:
        """What the API says of it (never the text itself: it may be long)."""
        return {
            "id": self.id,
            "status": self.status,
            "url": self.url,
            "title": self.title,
            "schedule": self.schedule,
            "progress": self.progress,
            "error": self.error,
            "episode": self.episode,
            "created": self.created,
            "updated": self.updated,
        }


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Jobs:
    """The queue of one podcast folder; safe to use from the server's threads."""

    def __init__(self, folder: Path):
        state = Path(folder) / STATE_DIR
        state.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(state / DATABASE, isolation_level=None, check_same_thread=False, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.lock = threading.Lock()
        with self.lock:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL keeps it consistent; a power cut may lose the last job
            self.db.executescript(SCHEMA)
            columns = {row["name"] for row in self.db.execute("PRAGMA table_info(jobs)")}
            if "attempts" not in columns:  # a queue made by an earlier version
                self.db.execute("ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")

    def _job(self, row) -> Job | None:
        return Job(**dict(row)) if row else None

    def submit(self, url: str | None = None, title: str | None = None, text: str | None = None) -> tuple[Job, bool]:
        """(the job, whether it is new): a URL already waiting is that job, not a second one."""
        with self.lock:
            if url:
                waiting = self.db.execute(
                    "SELECT * FROM jobs WHERE url = ? AND status IN ('queued', 'rendering')", (url,)
                ).fetchone()
                if waiting:
                    return self._job(waiting), False
            now = _now()
            job_id = uuid.uuid4().hex[:16]
            self.db.execute(
                "INSERT INTO jobs (id, status, url, title, text, created, updated) VALUES (?, 'queued', ?, ?, ?, ?, ?)",
                (job_id, url, title, text, now, now),
            )
            return self._job(self.db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()), True

    def waiting(self) -> int:
        """How many jobs are queued or rendering."""
        with self.lock:
            return self.db.execute("SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'rendering')").fetchone()[0]

    def get(self, job_id: str) -> Job | None:
        with self.lock:
            return self._job(self.db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone())

    def recent(self, limit: int = 50) -> list[Job]:
        with self.lock:
            return [
                self._job(row)
                for row in self.db.execute("SELECT * FROM jobs ORDER BY created DESC, rowid DESC LIMIT ?", (limit,))
            ]

    def claim(self) -> Job | None:
        """The oldest queued job, now rendering; None when none waits."""
        with self.lock:
            row = self.db.execute(
                "UPDATE jobs SET status = 'rendering', attempts = attempts + 1, updated = ? WHERE id = "
                "(SELECT id FROM jobs WHERE status = 'queued' ORDER BY created, rowid LIMIT 1) RETURNING *",
                (_now(),),
            ).fetchone()
            return self._job(row)

    def progressed(self, job_id: str, progress: str) -> None:
        with self.lock:
            self.db.execute("UPDATE jobs SET progress = ? WHERE id = ? AND status = 'rendering'", (progress, job_id))

    def published(self, job_id: str, episode: str) -> None:
        with self.lock:
            self.db.execute(
                "UPDATE jobs SET status = 'published', episode = ?, error = NULL, progress = NULL, updated = ? WHERE "
                "id = ?",
                (episode, _now(), job_id),
            )

    def failed(self, job_id: str, error: str) -> None:
        with self.lock:
            self.db.execute(
                "UPDATE jobs SET status = 'failed', error = ?, progress = NULL, updated = ? WHERE id = ?",
                (error, _now(), job_id),
            )

    def requeue(self, job_id: str, reason: str) -> None:
        """A rendering job queued again (its worker died): the reason shows while it waits."""
        with self.lock:
            self.db.execute(
                "UPDATE jobs SET status = 'queued', progress = ?, updated = ? WHERE id = ? AND status = 'rendering'",
                (f"queued again: {reason}", _now(), job_id),
            )

    def titled(self, job_id: str, title: str) -> None:
        """A URL job's headline, as soon as its page is read (the queue shows it while it renders)."""
        with self.lock:
            self.db.execute("UPDATE jobs SET title = ? WHERE id = ? AND title IS NULL", (title, job_id))

    def delete(self, job_id: str) -> Job | None:
        """The job, taken off the queue and the list: a queued or finished one (None when there is
        no such job, or it is rendering: that one is cancelled through the renderer)."""
        with self.lock:
            row = self.db.execute(
                "DELETE FROM jobs WHERE id = ? AND status != 'rendering' RETURNING *", (job_id,)
            ).fetchone()
            return self._job(row)

    def forget(self, job_id: str) -> None:
        """Drop a job whatever its status: a rendering job once its render has been stopped."""
        with self.lock:
            self.db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    def retry(self, job_id: str) -> Job | None:
        """A failed job queued again (None when there is no such failed job)."""
        with self.lock:
            row = self.db.execute(
                "UPDATE jobs SET status = 'queued', error = NULL, updated = ? WHERE id = ? AND status = 'failed' "
                "RETURNING *",
                (_now(), job_id),
            ).fetchone()
            return self._job(row)

    def last_slot(self, name: str) -> dt.datetime | None:
        """The latest fire time of a schedule already queued, or None for a schedule never seen."""
        with self.lock:
            row = self.db.execute("SELECT last_slot FROM schedules WHERE name = ?", (name,)).fetchone()
            return dt.datetime.fromisoformat(row["last_slot"]) if row else None

    def mark_slot(self, name: str, slot: dt.datetime, title: str | None = None, queue: bool = True) -> None:
        """Record a schedule's slot as handled and, with queue, its briefing as a job: both in one
        transaction, so a crash between them neither loses the slot nor queues it twice."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute(
                    "INSERT INTO schedules (name, last_slot) VALUES (?, ?) ON CONFLICT (name) DO UPDATE "
                    "SET last_slot = excluded.last_slot",
                    (name, slot.isoformat()),
                )
                if queue:
                    now = _now()
                    self.db.execute(
                        "INSERT INTO jobs (id, status, title, schedule, created, updated) VALUES (?, 'queued', ?, ?, "
                        "?, ?)",
                        (uuid.uuid4().hex[:16], title, name, now, now),
                    )
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def resume(self) -> int:
        """After a crash: the jobs left rendering are queued again; returns how many."""
        with self.lock:
            return self.db.execute(
                "UPDATE jobs SET status = 'queued', updated = ? WHERE status = 'rendering'", (_now(),)
            ).rowcount

    def close(self) -> None:
        with self.lock:
            self.db.close()
