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
        if not is_public(address):
            raise BriefingError(f"{host} is a private or local address ({address})")
    if not addresses:
        raise BriefingError(f"{host} does not resolve")
    return str(addresses[0])


# IANA's special-purpose address registries (and multicast): none of these is somewhere on the public
# internet that a submitted page may be fetched from. IPv6 outside 2000::/3 is not global unicast at
# all; the IPv6 forms that carry an IPv4 address are judged by that address (see embedded_ipv4).
NOT_PUBLIC_IPV4 = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # this network
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, where cloud metadata services answer
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the limited broadcast address
    )
)
GLOBAL_UNICAST_IPV6 = ipaddress.ip_network("2000::/3")
NOT_PUBLIC_IPV6 = tuple(
    ipaddress.ip_network(network)
    for network in (
        "2001::/23",  # IETF protocol assignments (Teredo's 2001::/32 among them: its client is judged first)
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4 (its IPv4 address is judged first)
        "3fff::/20",  # documentation
    )
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the well-known prefix; 64:ff9b:1::/48, local use, is not public
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to, when it is a form that carries one: IPv4-mapped,
    IPv4-compatible, NAT64 (64:ff9b::/96: on a NAT64 network 64:ff9b::a9fe:a9fe reaches
    169.254.169.254), 6to4 and Teredo (its client)."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address in NAT64 or (address in IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    return None


def is_public(address) -> bool:
    """Whether an IP address is somewhere on the public internet: not in any special-purpose block
    (loopback, private, link-local, shared, documentation, benchmarking, multicast, reserved), and
    for an IPv6 form that carries an IPv4 address, that address is public too."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            return is_public(inner)
        return address in GLOBAL_UNICAST_IPV6 and not any(address in network for network in NOT_PUBLIC_IPV6)
    return not any(address in network for network in NOT_PUBLIC_IPV4)


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
