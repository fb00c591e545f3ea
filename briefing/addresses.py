"""Web addresses: the only kind of link briefing follows from what it reads (feed entries, OPML
lists, redirects) or renders as a link (feed, page, tags). A feed naming a local file or a
`file:` URL would have briefing read the user's own files into their podcast; a script's
`javascript:` link would run in the page."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from .errors import BriefingError

WEB_SCHEMES = ("http", "https")


def is_web_address(text: str | None) -> bool:
    """True for a well-formed http(s) URL with a host (and a valid port, when it names one)."""
    if not text or any(character.isspace() or ord(character) < 32 for character in text):
        return False
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def web_address(text: str, what: str = "address") -> str:
    """text when it is an http(s) URL, else BriefingError naming what it is."""
    if not is_web_address(text):
        raise BriefingError(f"{what} {text[:200]!r} is not an http(s) address")
    return text


def web_link(text: str | None) -> str | None:
    """text when it may be shown as a link, else None (it is then shown, escaped, as text only)."""
    return text if is_web_address(text) else None


def private_address(url: str, resolve=None) -> str | None:
    """Why url must not be fetched for someone else (a submission to the service), or None: its
    host is, or resolves to, a loopback, private, link-local, multicast or otherwise reserved
    address (cloud metadata services live at 169.254.169.254). Checked at every redirect too."""
    try:
        public_address(url, resolve)
    except BriefingError as error:
        return str(error)
    return None


def public_address(url: str, resolve=None) -> str:
    """The address to connect to for url, when every address its host has is public; else
    BriefingError saying which is not. Connecting to this very address (not resolving the name
    again) keeps a name that answers differently the second time (DNS rebinding) out."""

    host = urlsplit(url).hostname or ""
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            found = (resolve or socket.getaddrinfo)(host, None)
        except (OSError, UnicodeError):
            raise BriefingError(f"{host} does not resolve") from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    for address in addresses:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not is_public(address):
            raise BriefingError(f"{host} is a private or local address ({address})")
    if not addresses:
        raise BriefingError(f"{host} does not resolve")
    return str(addresses[0])


def is_public(address) -> bool:
    """Whether an IP address is reachable on the public internet (not loopback, private,
    link-local, multicast or reserved)."""
    return address.is_global and not address.is_multicast


def reachability(url: str) -> str | None:
    """One line saying which apps cannot reach a feed at url and why, or None when any can: a
    loopback address no one else reaches, a private or link-local one that apps fetching feeds
    from their own servers (Overcast, Pocket Casts, Spotify) and phones away from home cannot, or
    plain http to a name, which phones do not treat as secure (no offline listening, no sharing to
    the page, and some apps refuse it). Names are not looked up."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if host == "localhost" or host.endswith(".localhost") or (address is not None and address.is_loopback):
        return f"the feed's address {url} is this machine's own: no phone or podcast app can reach it (give --base-url)"
    if host.endswith(".local") or (address is not None and (address.is_private or address.is_link_local)):
        return (
            f"the feed's address {url} is on the local network: Overcast, Pocket Casts and Spotify fetch feeds "
            "from their own servers and cannot reach it, and phones reach it only at home"
        )
    if parts.scheme == "http":
        return (
            f"the feed's address {url} is plain http: phones do not treat it as secure (no offline listening, "
            "no sharing to the page) and some apps refuse it; serve it over https"
        )
    return None
