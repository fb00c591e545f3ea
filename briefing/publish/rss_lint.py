"""`feed lint` for the RSS feed: what Apple Podcasts and other apps would refuse or stumble on.

Each rule is a small function taking the feed as read (LintedFeed) and yielding findings, one line
each; RULES lists them in the order their lines are reported. A rule is added by writing it and
naming it in RULES. lint_host checks the host that serves the folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import requests
from lxml import etree
from PIL import Image

from ..addresses import is_web_address
from ..audio.formats import media_types
from .feed import LintReport
from .layout import FEED
from .podcast import ARTWORK_MAX, ARTWORK_MIN
from .xmlns import NAMESPACES

REQUIRED_CHANNEL_TAGS = (
    "title",
    "link",
    "description",
    "language",
    "itunes:image",
    "itunes:category",
    "itunes:explicit",
    "itunes:author",
    "itunes:owner",
    "podcast:guid",
)


@dataclass(frozen=True)
class Finding:
    """One line of the report: a problem (apps refuse the feed), or a warning."""

    text: str
    warning: bool = False


@dataclass(frozen=True)
class LintedFeed:
    """The feed's channel and the folder it lists files of."""

    channel: etree._Element
    folder: Path

    @property
    def base(self) -> str:
        return (self.channel.findtext("link") or "").rstrip("/") + "/"

    def local(self, link: str | None) -> Path | None:
        """The folder's file an address of the feed names, or None when it names none."""
        return self.folder / link[len(self.base) :] if link and link.startswith(self.base) else None

    def items(self) -> list[tuple[str, etree._Element]]:
        """(title, item) for every episode."""
        return [(item.findtext("title") or "(untitled)", item) for item in self.channel.findall("item")]


def base_url_given(feed: LintedFeed) -> Iterator[Finding]:
    """A feed without a base URL has relative addresses: fine for `briefing serve`, not for a web host."""
    if not is_web_address(feed.channel.findtext("link") or ""):
        yield Finding(
            "feed: no base URL, so its addresses are relative: `briefing serve` fills in the listener's "
            "address, but a web host needs --base-url (or base_url in [show] of briefing.toml)",
            warning=True,
        )


def channel_tags(feed: LintedFeed) -> Iterator[Finding]:
    """Every channel tag Apple requires is there, and the owner has an e-mail address."""
    for tag in REQUIRED_CHANNEL_TAGS:
        if feed.channel.find(tag, NAMESPACES) is None:
            yield Finding(f"channel: missing <{tag}>")
    if feed.channel.find("itunes:owner/itunes:email", NAMESPACES) is None:
        yield Finding("channel: <itunes:owner> has no <itunes:email> (Apple requires one; set owner_email)")


def artwork(feed: LintedFeed) -> Iterator[Finding]:
    """The show's artwork is a file of the folder, square, 1400-3000 px, RGB."""
    image = feed.channel.find("itunes:image", NAMESPACES)
    if image is None:
        return
    cover = feed.local(image.get("href"))
    if cover is None or not cover.is_file():
        yield Finding(f"artwork: {image.get('href')} is not a file in {feed.folder}")
        return
    with Image.open(cover) as art:
        width, height = art.size
        if width != height or not ARTWORK_MIN <= width <= ARTWORK_MAX:
            yield Finding(f"artwork: {width}x{height}; must be square, {ARTWORK_MIN}-{ARTWORK_MAX} px")
        if art.mode != "RGB":
            yield Finding(f"artwork: colour mode {art.mode}; must be RGB without transparency")


def episode_identity(feed: LintedFeed) -> Iterator[Finding]:
    """Every episode has a guid of its own and a duration."""
    guids: set[str] = set()
    for name, item in feed.items():
        guid = item.findtext("guid")
        if not guid:
            yield Finding(f"episode {name!r}: no <guid>")
        elif guid in guids:
            yield Finding(f"episode {name!r}: guid {guid} is used twice")
        guids.add(guid or "")
        if item.find("itunes:duration", NAMESPACES) is None:
            yield Finding(f"episode {name!r}: no <itunes:duration>")


def enclosures(feed: LintedFeed) -> Iterator[Finding]:
    """Every episode's enclosure is an audio format briefing writes, with its type, and a file of
    the folder of the length the feed says."""
    for name, item in feed.items():
        enclosure = item.find("enclosure")
        if enclosure is None:
            yield Finding(f"episode {name!r}: no <enclosure>")
            continue
        url = enclosure.get("url")
        expected = media_types().get(PurePosixPath(url or "").suffix.lower())
        if expected is None:
            formats = ", ".join(media_types())
            yield Finding(f"episode {name!r}: enclosure {url} is not an audio format briefing writes ({formats})")
        elif enclosure.get("type") != expected:
            yield Finding(f"episode {name!r}: enclosure type {enclosure.get('type')!r}, expected {expected}")
        path = feed.local(url)
        if path is None or not path.is_file():
            yield Finding(f"episode {name!r}: enclosure {url} is not a file in {feed.folder}")
        elif str(path.stat().st_size) != enclosure.get("length"):
            size = path.stat().st_size
            yield Finding(f"episode {name!r}: enclosure length {enclosure.get('length')} but the file has {size} bytes")


def linked_files(feed: LintedFeed) -> Iterator[Finding]:
    """Every transcript and chapters file an episode names is a file of the folder."""
    for name, item in feed.items():
        for linked in item.findall("podcast:transcript", NAMESPACES) + item.findall("podcast:chapters", NAMESPACES):
            target = feed.local(linked.get("url"))
            if target is None or not target.is_file():
                yield Finding(f"episode {name!r}: {linked.get('url')} is not a file in {feed.folder}")


RULES = (base_url_given, channel_tags, artwork, episode_identity, enclosures, linked_files)


def lint_rss(folder: Path, url: str | None = None, timeout: float = 10.0) -> LintReport:
    """Problems Apple Podcasts and other apps would refuse or stumble on in the folder's feed, and
    warnings, one line each; with url, also in the host serving the folder there."""
    feed_path = Path(folder) / FEED
    try:
        tree = etree.parse(str(feed_path))
    except (OSError, etree.XMLSyntaxError) as error:
        return LintReport([f"{feed_path}: cannot read the feed: {error}"])
    channel = tree.find("channel")
    if channel is None:
        return LintReport([f"{feed_path}: no <channel>"])
    feed = LintedFeed(channel, Path(folder))
    findings = [finding for rule in RULES for finding in rule(feed)]
    problems = [finding.text for finding in findings if not finding.warning]
    if url:
        problems += lint_host(url, timeout)
    return LintReport(problems, [finding.text for finding in findings if finding.warning])


def lint_host(url: str, timeout: float) -> list[str]:
    """Check the feed as apps get it from url (the feed's address, or the folder's): it answers, and
    every file it names is there, with the size and type it says, and answers byte ranges."""

    feed_url = url if url.endswith(".xml") else url.rstrip("/") + "/" + FEED
    try:
        answer = requests.get(feed_url, timeout=timeout)
        if answer.status_code != 200:
            return [f"host: GET {feed_url} answered {answer.status_code}"]
        channel = etree.fromstring(answer.content).find("channel")
        if channel is None:
            return [f"host: {feed_url} is not an RSS feed"]
        problems = []
        for item in channel.findall("item"):
            enclosure = item.find("enclosure")
            if enclosure is not None:
                problems += _served_audio(
                    enclosure.get("url", ""), enclosure.get("length"), enclosure.get("type"), timeout
                )
            for linked in item.findall("podcast:transcript", NAMESPACES) + item.findall("podcast:chapters", NAMESPACES):
                fetched = requests.get(linked.get("url", ""), timeout=timeout, stream=True)
                fetched.close()
                if fetched.status_code != 200:
                    problems.append(f"host: GET {linked.get('url')} answered {fetched.status_code}")
        return problems
    except etree.XMLSyntaxError:
        return [f"host: {feed_url} is not XML"]
    except requests.RequestException as error:
        return [f"host: cannot reach {url}: {type(error).__name__}"]


def _served_audio(target: str, length: str | None, kind: str | None, timeout: float) -> list[str]:
    """An episode's audio as apps get it: it answers with the feed's length and type, and byte ranges."""

    # A GET whose body is not read stands in for HEAD, which some stores refuse where they allow GET.
    head = requests.get(target, timeout=timeout, stream=True)
    head.close()
    if head.status_code != 200:
        return [f"host: GET {target} answered {head.status_code}"]
    problems = []
    if head.headers.get("Content-Length") != length:
        problems.append(f"host: {target} has Content-Length {head.headers.get('Content-Length')}, feed says {length}")
    served_type = head.headers.get("Content-Type", "").split(";")[0].strip()
    if kind and served_type != kind:
        problems.append(f"host: {target} is served as {served_type or 'no type'}, feed says {kind}")
    ranged = requests.get(target, headers={"Range": "bytes=0-1"}, timeout=timeout, stream=True)
    ranged.close()
    if ranged.status_code != 206 or not ranged.headers.get("Content-Range", "").startswith("bytes 0-1/"):
        problems.append(
            f"host: {target} does not answer byte-range requests (got {ranged.status_code}); iOS will not play it"
        )
    return problems
