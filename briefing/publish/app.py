"""The web app `briefing serve` runs: the podcast folder's files with byte ranges, the feed at the
address each listener used, CORS for web players, and a protocol that ends slow clients and stalled
downloads. Imported by serve() alone (starlette and uvicorn take 0.25 s to import)."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path, PurePosixPath

import h11
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..errors import BriefingError
from .feed import FeedFormat, feed_formats
from .layout import FEED, FEED_QR, PRIVATE, content_type, listener_path
from .listeners import Listeners
from .page import feed_qr_svg

MAX_RANGES = 16  # byte ranges accepted in one request
MAX_CONNECTIONS = 400  # in all; beyond this, new requests get 503 (a file descriptor each, within the usual 1024)
MAX_PER_CLIENT = 16  # connections one address may hold at once: no single client can take them all


def create_app(
    folder: Path,
    base_url: str | None,
    own: set[str],
    fallback_base: str,
    extra_routes: list = (),
    trusted_proxies: frozenset[str] = frozenset(),
):
    """The ASGI app serving folder. The feed's URLs follow the address the listener used when it is
    one of `own` (this server's names, see own_names) or came through a trusted proxy, else
    fallback_base; a given base_url wins. Never a host only the request names: a DNS-rebinding page
    must not get its name into the feed. extra_routes (the service's API) are answered before the
    folder's files. With listeners, only their private paths are served (see gate)."""

    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise BriefingError(f"no such folder: {folder}")

    class PodcastFiles(StaticFiles):
        async def __call__(self, scope, receive, send):
            # A Range in a unit other than bytes must be ignored (RFC 9110 14.2): the whole file, 200.
            headers = [
                (name, value)
                for name, value in scope["headers"]
                if name != b"range" or value.strip().lower().startswith(b"bytes=")
            ]
            await super().__call__({**scope, "headers": headers}, receive, send)

        async def get_response(self, path: str, scope):
            # Hidden files are the folder's own (the lock, .briefing-seen.json listing every URL
            # the user briefed, temporary .part files): never served.
            if any(part.startswith(".") for part in PurePosixPath(path).parts):
                raise HTTPException(status_code=404)
            return await super().get_response(path, scope)

        def file_response(self, full_path, stat_result, scope, status_code=200):
            if Headers(scope=scope).get("range", "").count(",") >= MAX_RANGES:
                # Players ask for one range; hundreds of them is an attack on the multipart encoder.
                return Response(status_code=416, headers={"Content-Range": f"bytes */{stat_result.st_size}"})
            response = FileResponse(
                full_path,
                status_code=status_code,
                stat_result=stat_result,
                media_type=content_type(Path(full_path).name),
            )
            if_match = Headers(scope=scope).get("if-match")
            if if_match is not None and not etag_matches(if_match, response.headers["etag"]):
                return Response(status_code=412, headers={"ETag": response.headers["etag"]})
            if self.is_not_modified(response.headers, Headers(scope=scope)):
                return NotModifiedResponse(response.headers)
            return response

    files = PodcastFiles(directory=folder, html=True)

    listener_base = base_for(base_url, own, fallback_base)

    def serve_feed(format_class: type[FeedFormat]):
        async def feed(request):
            path = folder / format_class.filename
            if not path.is_file():
                return Response("no feed here yet: publish an episode with briefing make --publish", status_code=404)
            body = format_class.rebased(path.read_bytes(), listener_base(request))
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers = {"ETag": etag, "Vary": "Host"}  # the body depends on the Host header: caches must know
            if etag in [tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")]:
                return Response(status_code=304, headers=headers)
            return Response(body, media_type=format_class.media_type, headers={**headers, "Cache-Control": "no-cache"})

        return Route(f"/{format_class.filename}", feed, methods=["GET", "HEAD"])

    async def feed_qr(request):
        """The feed's QR code for the address this listener used (the folder's file holds the base URL's)."""
        body = feed_qr_svg(listener_base(request).rstrip("/") + "/" + FEED)
        return Response(body, media_type="image/svg+xml", headers={"Vary": "Host", "Cache-Control": "no-cache"})

    # Podcast hosts let any page read the feed, transcripts, chapters and audio (no credentials).
    cors = Middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["Content-Length", "Content-Range", "Accept-Ranges", "ETag"],
        max_age=86400,
    )
    app = Starlette(
        routes=[
            *(serve_feed(format_class) for format_class in feed_formats()),
            Route(f"/{FEED_QR}", feed_qr, methods=["GET", "HEAD"]),
            *extra_routes,
            Mount("/", app=files),
        ],
        middleware=[cors],
    )
    return gate(app, folder, trusted_proxies)


def base_for(base_url: str | None, own: set[str], fallback_base: str):
    """request -> the address the feed's URLs go under for it: base_url when given; else the one the
    listener used, when it is one of own or came through a trusted proxy; else fallback_base. A
    listener's private path follows."""

    def listener_base(request) -> str:
        private = request.scope.get(PRIVATE_SCOPE, "")  # "p/TOKEN/" for a listener's private path
        if base_url:
            return base_url.rstrip("/") + "/" + private
        if request.scope.get(PROXIED_SCOPE) or (request.url.hostname or "").lower() in own:
            return str(request.base_url)  # with the private path, as root_path
        return fallback_base + private

    return listener_base


# On every answer. The page loads only its own files (its script and style are files, so no inline
# code is allowed), is never framed, sends no referrer (a private feed's token is in its address),
# and no answer is sniffed as another type than it says.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; media-src 'self' blob:; object-src 'none'; "
        b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def with_security_headers(send):
    """send, adding SECURITY_HEADERS to the start of every response."""

    async def sending(message):
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
        await send(message)

    return sending


PRIVATE_SCOPE = "briefing.private"  # in a request's scope: "p/TOKEN/" when it came by a private path
PROXIED_SCOPE = "briefing.proxied"  # in a request's scope: it came through a trusted reverse proxy


def gate(app, folder: Path, trusted_proxies: frozenset[str]):
    """The app behind two checks made on every request. A reverse proxy at a trusted address says
    the scheme and host the listener used (X-Forwarded-Proto, Host), so the feed's URLs are https
    when it is. Once the show has listeners, only their private paths (/p/TOKEN/...) and the API
    are answered, the rest with 404; the listeners file is checked on each request (read again when
    it changed), so a revoked token stops working at once, and a token is compared in constant time and never logged."""

    listeners_now = Listeners.watched(folder)

    async def gated(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        send = with_security_headers(send)
        scope = dict(scope)
        forwarded = Headers(scope=scope).get("x-forwarded-proto", "").lower()
        if (scope.get("client") or ("",))[0] in trusted_proxies and forwarded in ("http", "https"):
            scope.update({"scheme": forwarded, PROXIED_SCOPE: True})
        path = scope["path"]
        listeners = listeners_now()
        if path.startswith(f"/{PRIVATE}/"):
            token = path[len(PRIVATE) + 2 :].partition("/")[0]
            if not listeners.knows(token):
                return await PlainTextResponse("not found", status_code=404)(scope, receive, send)
            private = listener_path(token)
            scope.update({"root_path": "/" + private.rstrip("/"), "app_root_path": "/" + private.rstrip("/")})
            scope[PRIVATE_SCOPE] = private
        elif listeners.tokens() and not path.startswith("/api/"):
            return await PlainTextResponse("not found", status_code=404)(scope, receive, send)
        return await app(scope, receive, send)

    return gated


def etag_matches(if_match: str, etag: str) -> bool:
    """Whether an If-Match header lets a request through: "*", or the current tag compared strongly
    (a weak tag never matches, RFC 9110 13.1.1)."""
    tags = [tag.strip() for tag in if_match.split(",")]
    return "*" in tags or etag in [tag for tag in tags if not tag.startswith("W/")]


def guarded_protocol(request_seconds: float, stall_seconds: float, per_client: int):
    """uvicorn's HTTP/1.1 protocol, kept from being starved by a few clients:

    - a connection whose request has not fully arrived within request_seconds of connecting or of
      the previous response is closed (uvicorn waits for ever on a client that says nothing or
      trickles its headers: slowloris);
    - a response that can send nothing for stall_seconds (its reader stopped reading) is ended: a
      paused phone resumes with a new range request, as players do;
    - one address holds at most per_client connections; more are closed at once.

    Idle connections cost a file descriptor and a few kilobytes here, and a file is read only as
    its reader takes it, so no worker is held per idle reader."""

    open_by_client: Counter = Counter()

    class GuardedConnection(H11Protocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._client = (transport.get_extra_info("peername") or ("?",))[0]
            self._stall = None
            open_by_client[self._client] += 1
            self._request_deadline = self.loop.call_later(request_seconds, self._close_if_no_request)
            if open_by_client[self._client] > per_client:
                transport.abort()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._request_deadline.cancel()
                self._request_deadline = self.loop.call_later(request_seconds, self._close_if_no_request)

        def pause_writing(self) -> None:
            super().pause_writing()
            if self._stall is None:
                self._stall = self.loop.call_later(stall_seconds, self.transport.abort)

        def resume_writing(self) -> None:
            super().resume_writing()
            if self._stall is not None:
                self._stall.cancel()
                self._stall = None

        def connection_lost(self, exc) -> None:
            self._request_deadline.cancel()
            if self._stall is not None:
                self._stall.cancel()
            open_by_client[self._client] -= 1
            if open_by_client[self._client] <= 0:
                del open_by_client[self._client]
            super().connection_lost(exc)

        def _close_if_no_request(self) -> None:
            # Once its headers are in, a request moves h11 past IDLE; a slow *reader* is the
            # stall timer's business.
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return GuardedConnection


class Server(uvicorn.Server):
    """uvicorn's server, remembering the signal that stopped it (SIGINT or SIGTERM)."""

    stopped_by: int | None = None

    def handle_exit(self, sig: int, frame) -> None:
        self.stopped_by = self.stopped_by or sig
        super().handle_exit(sig, frame)


def run(
    app, host: str, port: int, client_timeout: float, stall_timeout: float, tls: tuple[Path, Path] | None = None
) -> int | None:
    """Serve app on host:port until SIGINT or SIGTERM, which it returns (over TLS with tls,
    (certificate, key)), ending clients that send too slowly or read too slowly. No access log: a
    private feed's token is in its path."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        ssl_certfile=str(tls[0]) if tls else None,
        ssl_keyfile=str(tls[1]) if tls else None,
        proxy_headers=False,  # gate() reads the trusted proxies' headers itself
        access_log=False,
        log_level="warning",
        timeout_keep_alive=5,
        http=guarded_protocol(client_timeout, stall_timeout, MAX_PER_CLIENT),
        limit_concurrency=MAX_CONNECTIONS,
    )
    server = Server(config)
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn raises the signal again once it has shut down: it is returned instead
        pass
    return server.stopped_by
