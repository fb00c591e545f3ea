"""The submission service around `briefing serve`: the queue, its renderer and the API routes,
for as long as the server runs."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from ..config import Schedule
from ..errors import BriefingError
from ..options import MakeOptions
from ..publish.layout import PAGE
from ..publish.podcast import rebuild, remove_episode
from ..publish.serve import in_url, lan_addresses, terminal_qr
from .api import BODY_SECONDS, api_routes
from .jobs import Jobs
from .renderer import Renderer
from .schedules import Scheduler
from .token import ENVIRONMENT, service_token

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@contextmanager
def submission_service(
    folder: Path,
    host: str,
    port: int,
    options: MakeOptions,
    token: str | None = None,
    allow_private: bool = False,
    schedules: tuple[Schedule, ...] = (),
    echo=print,
    body_seconds: float = BODY_SECONDS,
    scheme: str = "http",
):
    """The API's routes, with the renderer running behind them until the block ends. Refused on a
    non-loopback address unless the user chose the token (--token or $BRIEFING_TOKEN)."""
    if host not in LOOPBACK and not (token or os.environ.get(ENVIRONMENT)):
        raise BriefingError(
            "--accept-submissions on a network address needs a token you choose: --token or $BRIEFING_TOKEN"
        )
    token = service_token(token)
    if not (Path(folder) / PAGE).is_file():
        rebuild(Path(folder), options.show)  # the page with its form, before the first episode
    jobs = Jobs(Path(folder))
    renderer = Renderer(jobs, options, allow_private, schedules)
    renderer.start()
    scheduler = Scheduler(jobs, schedules, renderer.wake.set)
    scheduler.start()
    for schedule in schedules:
        echo(f"scheduled: {schedule.name}")
    everywhere = host in ("0.0.0.0", "::")
    address = (lan_addresses() or ["127.0.0.1"])[0] if everywhere else host
    sign_in = f"{scheme}://{in_url(address)}:{port}/#token={token}"
    echo(f"accepting articles at /api/articles (Authorization: Bearer {token}); add them from a browser at {sign_in}")
    if host not in LOOPBACK:  # a phone can reach it: on every address, or on a LAN address given
        echo(f"scan to add articles from your phone:\n{terminal_qr(sign_in)}")
    try:
        yield api_routes(
            jobs,
            token,
            renderer.wake.set,
            allow_private,
            body_seconds,
            cancel=renderer.cancel,
            remove_episode=lambda stem: remove_episode(Path(folder), stem, options.show),
        )
    finally:
        scheduler.stop()
        renderer.stop()
        jobs.close()
