"""/api/articles: submit an article (a URL, or a title and text) with the token, follow it from
queued to published, retry a failed one (POST), cancel or delete one (DELETE); /api/episodes/STEM:
delete a published episode (DELETE), as `briefing feed remove` does. Bodies are bounded,
submissions limited per token, URLs checked to be public http(s) addresses before they are queued
(and again at every redirect when fetched)."""

from __future__ import annotations

import asyncio
import json
import math
import re
import threading
import time
from collections import deque

from starlette.responses import JSONResponse
from starlette.routing import Route

from ..addresses import is_web_address, private_address
from ..errors import BriefingError
from .jobs import Jobs
from .token import authorised

MAX_BODY = 512 * 1024  # bytes of a submission: a long article's text fits many times over
BODY_SECONDS = 10.0  # for the whole body once the headers are in: a stalled upload is cut off
MAX_TEXT_WORDS = 20_000
MAX_TITLE = 300  # characters: a headline, spoken as such (a longer one blocked the queue for minutes)
SUBMISSIONS_PER_MINUTE = 30  # accepted ones, per token: refused requests do not count
MAX_WAITING = 100  # queued and rendering jobs; past this, 429 until the queue drains
EPISODE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")  # an episode's file name without its suffix
UNAUTHORISED = "a valid token is needed (Authorization: Bearer TOKEN)"


class RateLimit:
    """At most `count` submissions in any `seconds`, for each key (a client's token)."""

    def __init__(self, count: int = SUBMISSIONS_PER_MINUTE, seconds: float = 60.0):
        self.count, self.seconds = count, seconds
        self.times: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Seconds until key may submit again; 0 when it may now."""
        with self.lock:
            now = time.monotonic()
            times = self.times.setdefault(key, deque())
            while times and now - times[0] > self.seconds:
                times.popleft()
            return 0.0 if len(times) < self.count else self.seconds - (now - times[0])

    def count_one(self, key: str) -> None:
        """Count an accepted submission."""
        with self.lock:
            self.times.setdefault(key, deque()).append(time.monotonic())


class Refused(Exception):
    """A submission the API answers with an error: its status and one line saying why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def json_object(body: bytes) -> dict:
    """The submission's JSON object, or Refused."""
    try:
        data = json.loads(body)
    except ValueError:
        raise Refused(400, 'the body must be JSON: {"url": ...} or {"title": ..., "text": ...}') from None
    except RecursionError:
        raise Refused(400, "the body is nested too deeply") from None
    if not isinstance(data, dict):
        raise Refused(400, "the body must be a JSON object")
    return data


def submit(data: dict, jobs: Jobs, allow_private: bool):
    """Queue the submission (a url, or a text with its title): (job, whether it is new), or Refused."""
    url, title, text = data.get("url"), data.get("title"), data.get("text")
    if url is not None:
        if not isinstance(url, str) or not is_web_address(url):
            raise Refused(400, "url must be an http(s) address")
        if not allow_private and (problem := private_address(url)):
            raise Refused(400, f"url refused: {problem}")
        return jobs.submit(url=url)
    if isinstance(text, str) and text.strip():
        if len(text.split()) > MAX_TEXT_WORDS:
            raise Refused(413, f"text is at most {MAX_TEXT_WORDS} words")
        if title is not None and not isinstance(title, str):
            raise Refused(400, "title must be text")
        if title and (len(title) > MAX_TITLE or any(mark in title for mark in "\n\r\u2028\u2029")):
            raise Refused(400, f"title is one line of at most {MAX_TITLE} characters")
        return jobs.submit(title=title if title and title.strip() else None, text=text)
    raise Refused(400, "give a url, or a text (and a title)")


def refused(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def busy(message: str, seconds: float) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=429, headers={"Retry-After": str(math.ceil(seconds))})


async def read_body(request, seconds: float = BODY_SECONDS) -> bytes:
    """The body, or Refused: too large (413), or not all there within seconds (408)."""
    body = b""
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY:
                    raise Refused(413, f"a submission is at most {MAX_BODY} bytes")
    except TimeoutError:
        raise Refused(408, f"the body did not arrive within {seconds:g} seconds") from None
    return body


def token_checked(token: str, handler):
    """handler, answering 401 to a request without the token."""

    async def checked(request):
        if not authorised(request.headers.get("authorization"), token):
            return refused(401, UNAUTHORISED)
        return await handler(request)

    return checked


def withdraw(job, jobs: Jobs, cancel) -> JSONResponse:
    """DELETE of a job: a queued or finished one is deleted; a rendering one is cancelled (it stops
    at its next step, leaving nothing written, and the job goes then)."""
    if jobs.delete(job.id) is not None:
        return JSONResponse({**job.public(), "status": "deleted"})
    if cancel(job.id):
        return JSONResponse({**job.public(), "status": "cancelling"}, status_code=202)
    return refused(409, "the article has just been published: delete its episode instead")


def api_routes(
    jobs: Jobs,
    token: str,
    wake,
    allow_private: bool = False,
    body_seconds: float = BODY_SECONDS,
    cancel=lambda job_id: False,
    remove_episode=None,
):
    """The API's Starlette routes; wake() tells the renderer there is work; a submission's body must
    arrive whole within body_seconds of its headers. cancel(id) stops a rendering job (False when
    it is not rendering); remove_episode(stem) deletes a published episode and rewrites the feed."""
    limit = RateLimit(SUBMISSIONS_PER_MINUTE)  # read now: tests lower it

    async def articles(request):
        if request.method == "GET":
            return JSONResponse({"articles": [job.public() for job in jobs.recent()]})
        key = request.headers.get("authorization", "")
        try:
            body = await read_body(request, body_seconds)
            wait = limit.wait(key)
            if wait:
                return busy(f"at most {SUBMISSIONS_PER_MINUTE} submissions a minute", wait)
            if jobs.waiting() >= MAX_WAITING:
                return busy(f"{MAX_WAITING} articles are waiting already: try again when they are done", 60)
            job, new = submit(json_object(body), jobs, allow_private)
        except Refused as refusal:
            return refused(refusal.status, str(refusal))
        limit.count_one(key)
        wake()
        return JSONResponse({"id": job.id, "status": job.status}, status_code=202 if new else 200)

    async def article(request):
        job = jobs.get(request.path_params["job"])
        if job is None:
            return refused(404, "no such article")
        if request.method == "POST":  # retry a failed one
            job = jobs.retry(job.id) or job
            wake()
        elif request.method == "DELETE":
            return withdraw(job, jobs, cancel)
        return JSONResponse(job.public())

    async def episode(request):
        stem = request.path_params["stem"]
        if remove_episode is None or not EPISODE_STEM.fullmatch(stem):
            return refused(404, "no such episode")
        try:
            removed = await asyncio.to_thread(remove_episode, stem)
        except BriefingError:
            return refused(404, "no such episode")
        return JSONResponse({"removed": [path.name for path in removed]})

    return [
        Route("/api/articles", token_checked(token, articles), methods=["GET", "POST"]),
        Route("/api/articles/{job}", token_checked(token, article), methods=["GET", "POST", "DELETE"]),
        Route("/api/episodes/{stem}", token_checked(token, episode), methods=["DELETE"]),
    ]
