"""`briefing serve`: the podcast folder over HTTP, behaving like a podcast host.

Starlette's static files give GET and HEAD, byte ranges (206, 416), ETag and Last-Modified with
conditional requests, and refuse paths and symlinks that lead outside the folder. We add the
content types podcast apps expect; CORS headers on everything (web players and apps fetch the
transcripts and chapters from another origin, as the Podcasting 2.0 documents require); what
RFC 9110 asks beyond Starlette (a Range in an unknown unit is ignored, a stale If-Match is 412);
and a feed whose URLs point at the address the listener used, unless a base URL is configured (a
feed published without one has relative addresses, filled in here).
"""

from __future__ import annotations

import fcntl
import socket
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import qrcode

from ..addresses import is_web_address, reachability
from ..errors import BriefingError
from ..settings import check_settings, setting
from .layout import FEED

CLIENT_TIMEOUT = 10.0  # seconds a client has to send each request's headers
STALL_TIMEOUT = 60.0  # seconds a response may wait for its reader before the connection is ended


@dataclass(frozen=True)
class ServeOptions:
    """How `briefing serve` listens."""

    host: str = setting(
        "127.0.0.1",
        "Address to listen on; 0.0.0.0 serves phones on the local network (prints a QR code)",
        flag="--host",
        group="serve",
    )
    port: int = setting(8000, "Port to listen on", flag="--port", low=1, high=65535, group="serve")
    base_url: str | None = setting(
        None,
        "Keep the feed's URLs at this address",
        shown="the address each listener used",
        flag="--base-url",
        check=is_web_address,
        must="an http(s) address",
        group="serve",
    )
    client_timeout: float = setting(
        CLIENT_TIMEOUT,
        "Seconds a client has to send each request; slower ones are disconnected",
        flag="--client-timeout",
        low=0.1,
        high=3600,
        group="serve",
    )
    stall_timeout: float = setting(
        STALL_TIMEOUT,
        "Seconds a download may wait for its reader (a paused player) before the connection is ended",
        flag="--stall-timeout",
        low=1,
        high=3600,
        group="serve",
    )
    tls_cert: Path | None = setting(
        None,
        "Serve over HTTPS with this certificate (PEM; with --tls-key)",
        flag="--tls-cert",
        toml="serve.tls_cert",
        relative=True,
        must="a certificate file name, relative to this file",
        group="serve",
    )
    tls_key: Path | None = setting(
        None,
        "The certificate's private key (PEM)",
        flag="--tls-key",
        toml="serve.tls_key",
        relative=True,
        must="a key file name, relative to this file",
        group="serve",
    )
    trusted_proxies: tuple[str, ...] = setting(
        ("127.0.0.1", "::1"),
        "A reverse proxy's address whose X-Forwarded-Proto and Host are believed; repeatable",
        flag="--trusted-proxy",
        toml="serve.trusted_proxies",
        multiple=True,
        metavar="ADDRESS",
        must='a list of addresses, like ["127.0.0.1"]',
        group="serve",
        dest="trusted_proxies",
    )

    def __post_init__(self) -> None:
        check_settings(self)
        if (self.tls_cert is None) != (self.tls_key is None):
            raise BriefingError("HTTPS needs both --tls-cert and --tls-key")
        for path in (self.tls_cert, self.tls_key):
            if path is not None and not path.is_file():
                raise BriefingError(f"no such file: {path}")

    @property
    def scheme(self) -> str:
        return "https" if self.tls_cert else "http"


def own_names(host: str, port: int) -> set[str]:
    """The host names and addresses this server answers for: loopback, the address it listens on,
    this machine's LAN addresses and its names (bare, .local and fully qualified)."""
    names = {"localhost", "127.0.0.1", "::1", host.lower(), *lan_addresses()}
    machine = socket.gethostname().lower()
    names |= {machine, f"{machine}.local", socket.getfqdn().lower()}
    return names - {"0.0.0.0", "::", ""}


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, as other devices on the network reach it:
    each interface's (Linux), else what the host name resolves to."""
    found: set[str] = set()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            for _, name in socket.if_nameindex():
                try:
                    request = struct.pack("256s", name.encode()[:15])
                    found.add(socket.inet_ntoa(fcntl.ioctl(probe.fileno(), 0x8915, request)[20:24]))  # SIOCGIFADDR
                except OSError:
                    continue  # an interface without an IPv4 address
    except (ImportError, OSError):
        pass
    if not found:
        try:
            found = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
        except socket.gaierror:
            pass
    return sorted(address for address in found if not address.startswith("127."))


QR_DARK, QR_LIGHT = 16, 231  # black and white of the 256-colour palette, the same in every theme


def terminal_qr(text: str) -> str:
    """A QR code of text for a phone camera to scan from the terminal: two modules a character (the
    upper half block), every cell with its own black and white, quiet zone included, so it reads
    the same on light and dark terminals (block characters alone come out inverted on one of them)."""

    code = qrcode.QRCode(border=4)
    code.add_data(text)
    matrix = code.get_matrix()
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    colour = {True: QR_DARK, False: QR_LIGHT}
    rows = [
        "".join(f"\x1b[38;5;{colour[top]};48;5;{colour[bottom]}m▀" for top, bottom in zip(upper, lower, strict=True))
        + "\x1b[0m"
        for upper, lower in zip(matrix[::2], matrix[1::2], strict=False)  # an odd last row is left out
    ]
    return "\n".join(rows) + "\n"


def serve(
    folder: Path,
    options: ServeOptions = ServeOptions(),
    echo=print,
    extra_routes: list = (),
    warn=lambda line: print(line, file=sys.stderr),
) -> int | None:
    """Serve folder until Ctrl-C; on all interfaces, print the LAN addresses and a QR code of the feed.
    Clients have client_timeout seconds to send each request, and a response that can send nothing
    for stall_timeout seconds is ended. warn(line) says when the feed's address is out of reach of
    some apps, and why. Returns the signal that stopped it (SIGINT or SIGTERM)."""
    from . import app as web  # starlette and uvicorn: 0.25 s to import, for `briefing serve` alone

    host, port, scheme = options.host, options.port, options.scheme
    everywhere = host in ("0.0.0.0", "::")
    addresses = (lan_addresses() or ["127.0.0.1"]) if everywhere else [host]
    first = f"{scheme}://{in_url(addresses[0])}:{port}/"
    app = web.create_app(
        folder, options.base_url, own_names(host, port), first, extra_routes, frozenset(options.trusted_proxies)
    )
    check_port(host, port)
    feed_url = options.base_url.rstrip("/") + f"/{FEED}" if options.base_url else first + FEED
    if everywhere:
        for address in addresses:
            echo(f"page: {scheme}://{in_url(address)}:{port}/   feed: {scheme}://{in_url(address)}:{port}/{FEED}")
        echo(f"scan to subscribe ({feed_url}):\n{terminal_qr(feed_url)}")
    else:
        echo(f"page: {first}   feed: {first}{FEED}   (Ctrl-C stops)")
    problem = reachability(feed_url)
    if problem:
        warn(f"briefing: warning: {problem}")
    tls = (options.tls_cert, options.tls_key) if options.tls_cert else None
    return web.run(app, host, port, options.client_timeout, options.stall_timeout, tls)


def in_url(address: str) -> str:
    """An address as a URL's host: an IPv6 one in brackets."""
    return f"[{address}]" if ":" in address else address


def check_port(host: str, port: int) -> None:
    """BriefingError when host:port cannot be bound (uvicorn would only log and exit)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise BriefingError(f"cannot serve on {host}:{port}: {error.strerror}") from None
