"""/api/articles: submit an article (a URL, or a title and text) with the token, and follow it from
queued to published. Bodies are bounded, submissions limited per token, URLs checked to be public
http(s) addresses before they are queued (and again at every redirect when fetched)."""

from __future__ import annotations

import json
import threading
import time
from collections import deque

from starlette.responses import JSONResponse
from starlette.routing import Route

from ..addresses import is_web_address, private_address
from .jobs import Jobs
from .token import authorised

MAX_BODY = 512 * 1024  # bytes of a submission: a long article's text fits many times over
MAX_TEXT_WORDS = 20_000
SUBMISSIONS_PER_MINUTE = 30


class RateLimit:
    """At most `count` submissions in any `seconds`."""

    def __init__(self, count: int = SUBMISSIONS_PER_MINUTE, seconds: float = 60.0):
        self.count, self.seconds = count, seconds
        self.times: deque[float] = deque()
        self.lock = threading.Lock()

    def allow(self) -> bool:
        with self.lock:
            now = time.monotonic()
            while self.times and now - self.times[0] > self.seconds:
                self.times.popleft()
            if len(self.times) >= self.count:
                return False
            self.times.append(now)
            return True


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
        return jobs.submit(title=title if isinstance(title, str) and title.strip() else None, text=text)
    raise Refused(400, "give a url, or a text (and a title)")


def api_routes(jobs: Jobs, token: str, wake, allow_private: bool = False):
    """The API's Starlette routes; wake() tells the renderer there is work."""
    limit = RateLimit()

    def refused(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    async def read_body(request) -> bytes | None:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return None
        return body

    async def articles(request):
        if not authorised(request.headers.get("authorization"), token):
            return refused(401, "a valid token is needed (Authorization: Bearer TOKEN)")
        if request.method == "GET":
            return JSONResponse({"articles": [job.public() for job in jobs.recent()]})
        body = await read_body(request)
        if body is None:
            return refused(413, f"a submission is at most {MAX_BODY} bytes")
        if not limit.allow():
            return refused(429, f"at most {SUBMISSIONS_PER_MINUTE} submissions a minute")
        try:
            job, new = submit(json_object(body), jobs, allow_private)
        except Refused as refusal:
            return refused(refusal.status, str(refusal))
        wake()
        return JSONResponse({"id": job.id, "status": job.status}, status_code=202 if new else 200)

    async def article(request):
        if not authorised(request.headers.get("authorization"), token):
            return refused(401, "a valid token is needed (Authorization: Bearer TOKEN)")
        job = jobs.get(request.path_params["job"])
        if job is None:
            return refused(404, "no such article")
        if request.method == "POST":  # retry a failed one
            job = jobs.retry(job.id) or job
            wake()
        return JSONResponse(job.public())

    return [
        Route("/api/articles", articles, methods=["GET", "POST"]),
        Route("/api/articles/{job}", article, methods=["GET", "POST"]),
    ]
