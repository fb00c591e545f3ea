"""The RSS 2.0 feed (feed.xml), with the iTunes and Podcasting 2.0 namespaces: built from the
episode records, its addresses moved by `briefing serve`, and checked by `feed lint` against what
Apple Podcasts and other apps refuse."""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
import uuid
from pathlib import Path, PurePosixPath

from ..addresses import is_web_address, web_link
from ..audio.formats import media_types
from ..model import Show
from .feed import FeedFormat, LintReport, PublishedEpisode, register
from .layout import COVER, FEED, episode_path
from .podcast import ARTWORK_MAX, ARTWORK_MIN
from .sidefiles.chapters import ChaptersJSON
from .sidefiles.srt import SubRip
from .sidefiles.webvtt import WebVTT

# The namespace the podcast:guid spec names for UUIDv5 feed identifiers.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
# The Podcasting 2.0 spec names https://podcastindex.org/namespace/1.0 and requires clients to treat
# this older URI as identical; gPodder's parser knows only this one, AntennaPod both, so this one
# reaches every app.
PODCAST = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
INVALID_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
NAMESPACES = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "content": CONTENT}


@register
class Rss(FeedFormat):
    name = "rss"
    filename = FEED
    media_type = "application/rss+xml; charset=utf-8"

    @classmethod
    def build(cls, show: Show, episodes: list[PublishedEpisode]) -> bytes:
        return feed_xml(show, episodes)

    @classmethod
    def base_url(cls, document: bytes) -> str | None:
        from lxml import etree

        try:
            link = etree.fromstring(document).findtext("channel/link")
        except etree.XMLSyntaxError:
            return None
        return link.rstrip("/") if link and is_web_address(link) else None

    @classmethod
    def rebased(cls, document: bytes, base_url: str) -> bytes:
        return rebase_feed(document, base_url)

    @classmethod
    def lint(cls, folder: Path, url: str | None = None, timeout: float = 10.0) -> LintReport:
        return lint_rss(folder, url, timeout)


def podcast_guid(feed_url: str) -> str:
    """The podcast:guid of a feed: UUIDv5 of its URL without scheme and trailing slashes."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url).rstrip("/")))


def show_notes(episode: PublishedEpisode) -> str:
    """HTML show notes: the chapters with their start times (Apple Podcasts and Spotify make
    chapters of three or more timestamps from 00:00), and the stories, each linked to its source,
    with its lead sentence."""
    chapters = episode.record.chapters
    times = (
        "<p>" + "<br>".join(f"{timestamp(chapter.start)} {html.escape(chapter.title)}" for chapter in chapters) + "</p>"
        if len(chapters) >= 3
        else ""
    )
    items = []
    for story in episode.stories:
        title = html.escape(story.title)
        url = web_link(story.url) or web_link(story.source)
        outlet = f" ({html.escape(story.outlet)})" if story.outlet else ""
        lead = f": {html.escape(story.lead)}" if story.lead else ""
        heading = f'<a href="{html.escape(url)}">{title}</a>' if url else title
        items.append(f"<li>{heading}{outlet}{lead}</li>")
    return f"<p>{html.escape(episode.title)}</p>{times}<ul>{''.join(items)}</ul>"


def timestamp(seconds: float) -> str:
    """A start time as show notes write it: 04:05, or 1:02:03 past the hour."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def feed_xml(show: Show, episodes: list[PublishedEpisode], cover_name: str = COVER) -> bytes:
    """The RSS document for the show and its episodes."""
    from lxml import etree

    def add(parent, tag: str, text: str | None = None, **attributes):
        prefix, _, local = tag.rpartition(":")
        element = etree.SubElement(
            parent,
            f"{{{NAMESPACES[prefix]}}}{local}" if prefix else local,
            {k.replace("_", "-") if k != "href" else k: xml_safe(v) for k, v in attributes.items()},
        )
        if text is not None:
            element.text = xml_safe(text)
        return element

    feed_url, cover_url = show.url(FEED), show.url(cover_name)
    rss = etree.Element("rss", version="2.0", nsmap=NAMESPACES)
    channel = add(rss, "channel")
    add(channel, "title", show.title)
    add(channel, "link", show.url(""))
    add(channel, "description", show.description)
    add(channel, "language", show.language)
    add(channel, "generator", "briefing")
    add(channel, "lastBuildDate", email.utils.format_datetime(dt.datetime.now(dt.UTC)))
    add(channel, "atom:link", href=feed_url, rel="self", type="application/rss+xml")
    image = add(channel, "image")
    add(image, "url", cover_url)
    add(image, "title", show.title)
    add(image, "link", show.url(""))
    add(channel, "itunes:image", href=cover_url)
    category, _, subcategory = show.category.partition("/")
    category_element = add(channel, "itunes:category", text=None)
    category_element.set("text", category)
    if subcategory:
        add(category_element, "itunes:category").set("text", subcategory)
    add(channel, "itunes:explicit", "true" if show.explicit else "false")
    add(channel, "itunes:author", show.author)
    if show.author != Show.author:  # set by the user: the show's host, by name
        add(channel, "podcast:person", show.author, role="host")
    add(channel, "itunes:type", "episodic")
    owner = add(channel, "itunes:owner")
    add(owner, "itunes:name", show.author)
    if show.owner_email:
        add(owner, "itunes:email", show.owner_email)
    # A feed without a base URL is named by its show, so two such shows on one phone stay apart.
    add(channel, "podcast:guid", podcast_guid(feed_url if show.base_url else f"{show.title}/{FEED}"))
    locked = add(channel, "podcast:locked", "yes" if show.locked else "no")
    if show.owner_email:
        locked.set("owner", show.owner_email)

    for episode in episodes:
        item = add(channel, "item")
        add(item, "title", episode.title)
        notes = show_notes(episode)
        add(item, "description").text = etree.CDATA(xml_safe(notes))
        add(item, "content:encoded").text = etree.CDATA(xml_safe(notes))
        first_url = next((web_link(story.url) for story in episode.stories if web_link(story.url)), None)
        if first_url:
            add(item, "link", first_url)
        add(item, "guid", episode.guid, isPermaLink="false")
        add(item, "pubDate", email.utils.format_datetime(episode.published))
        add(
            item,
            "enclosure",
            url=show.url(episode_path(episode.stem, PurePosixPath(episode.audio_name).suffix)),
            length=str(episode.audio_bytes),
            type=episode.media_type,
        )
        add(item, "itunes:duration", _duration(episode.duration))
        add(item, "itunes:image", href=cover_url)
        add(item, "itunes:episodeType", "full")
        add(item, "itunes:explicit", "true" if show.explicit else "false")
        for captions in (WebVTT, SubRip):
            url = show.url(episode_path(episode.stem, captions.suffix))
            add(item, "podcast:transcript", url=url, type=captions.media_type.split(";")[0], rel="captions")
        chapters_url = show.url(episode_path(episode.stem, ChaptersJSON.suffix))
        add(item, "podcast:chapters", url=chapters_url, type=ChaptersJSON.media_type)
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (control characters, lone surrogates), which
    a hand-edited record or an old one could still carry; lxml refuses them with an exception."""
    return INVALID_IN_XML.sub("", text)


def lint_rss(folder: Path, url: str | None = None, timeout: float = 10.0) -> LintReport:
    """Problems Apple Podcasts and other apps would refuse or stumble on in feed.xml, and warnings,
    one line each."""
    from lxml import etree
    from PIL import Image

    folder = Path(folder)
    problems: list[str] = []
    warnings: list[str] = []
    feed_path = folder / FEED
    try:
        tree = etree.parse(str(feed_path))
    except (OSError, etree.XMLSyntaxError) as error:
        return LintReport([f"{feed_path}: cannot read the feed: {error}"])
    channel = tree.find("channel")
    if channel is None:
        return LintReport([f"{feed_path}: no <channel>"])
    if not is_web_address(channel.findtext("link") or ""):
        warnings.append(
            "feed: no base URL, so its addresses are relative: `briefing serve` fills in the listener's "
            "address, but a web host needs --base-url (or base_url in [show] of briefing.toml)"
        )
    ns = NAMESPACES
    for tag in (
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
    ):
        if channel.find(tag, ns) is None:
            problems.append(f"channel: missing <{tag}>")
    if channel.find("itunes:owner/itunes:email", ns) is None:
        problems.append("channel: <itunes:owner> has no <itunes:email> (Apple requires one; set owner_email)")
    image = channel.find("itunes:image", ns)
    base = (channel.findtext("link") or "").rstrip("/") + "/"

    def local(link: str | None) -> Path | None:
        return folder / link[len(base) :] if link and link.startswith(base) else None

    if image is not None:
        cover = local(image.get("href"))
        if cover is None or not cover.is_file():
            problems.append(f"artwork: {image.get('href')} is not a file in {folder}")
        else:
            with Image.open(cover) as art:
                if art.size[0] != art.size[1] or not ARTWORK_MIN <= art.size[0] <= ARTWORK_MAX:
                    problems.append(
                        f"artwork: {art.size[0]}x{art.size[1]}; must be square, {ARTWORK_MIN}-{ARTWORK_MAX} px"
                    )
                if art.mode != "RGB":
                    problems.append(f"artwork: colour mode {art.mode}; must be RGB without transparency")
    guids: set[str] = set()
    items = channel.findall("item")
    for item in items:
        name = item.findtext("title") or "(untitled)"
        guid = item.findtext("guid")
        if not guid:
            problems.append(f"episode {name!r}: no <guid>")
        elif guid in guids:
            problems.append(f"episode {name!r}: guid {guid} is used twice")
        guids.add(guid or "")
        if item.find("itunes:duration", ns) is None:
            problems.append(f"episode {name!r}: no <itunes:duration>")
        enclosure = item.find("enclosure")
        if enclosure is None:
            problems.append(f"episode {name!r}: no <enclosure>")
            continue
        expected = media_types().get(PurePosixPath(enclosure.get("url") or "").suffix.lower())
        if expected is None:
            problems.append(
                f"episode {name!r}: enclosure {enclosure.get('url')} is not an audio format briefing writes "
                f"({', '.join(media_types())})"
            )
        elif enclosure.get("type") != expected:
            problems.append(f"episode {name!r}: enclosure type {enclosure.get('type')!r}, expected {expected}")
        path = local(enclosure.get("url"))
        if path is None or not path.is_file():
            problems.append(f"episode {name!r}: enclosure {enclosure.get('url')} is not a file in {folder}")
        elif str(path.stat().st_size) != enclosure.get("length"):
            problems.append(
                f"episode {name!r}: enclosure length {enclosure.get('length')} but the file has "
                f"{path.stat().st_size} bytes"
            )
        for linked in item.findall("podcast:transcript", ns) + item.findall("podcast:chapters", ns):
            target = local(linked.get("url"))
            if target is None or not target.is_file():
                problems.append(f"episode {name!r}: {linked.get('url')} is not a file in {folder}")
    if url:
        problems += lint_host(url.rstrip("/") + "/", [item.find("enclosure") for item in items], base, timeout)
    return LintReport(problems, warnings)


def lint_host(url: str, enclosures: list, base: str, timeout: float) -> list[str]:
    """Check the host serving the folder at url: the feed answers HEAD, each episode's audio HEAD and byte ranges."""
    import requests

    problems = []

    def at_host(link: str) -> str:
        return url + link[len(base) :] if link.startswith(base) else link

    try:
        response = requests.head(url + FEED, timeout=timeout, allow_redirects=True)
        if response.status_code != 200:
            problems.append(f"host: HEAD {url + FEED} answered {response.status_code}")
        for enclosure in enclosures:
            if enclosure is None:
                continue
            target = at_host(enclosure.get("url", ""))
            head = requests.head(target, timeout=timeout, allow_redirects=True)
            if head.status_code != 200:
                problems.append(f"host: HEAD {target} answered {head.status_code}")
                continue
            if head.headers.get("Content-Length") != enclosure.get("length"):
                problems.append(
                    f"host: {target} has Content-Length {head.headers.get('Content-Length')}, feed says "
                    f"{enclosure.get('length')}"
                )
            ranged = requests.get(target, headers={"Range": "bytes=0-1"}, timeout=timeout, stream=True)
            ranged.close()
            if ranged.status_code != 206 or not ranged.headers.get("Content-Range", "").startswith("bytes 0-1/"):
                problems.append(
                    f"host: {target} does not answer byte-range requests (got {ranged.status_code}); iOS will not "
                    f"play it"
                )
    except requests.RequestException as error:
        problems.append(f"host: cannot reach {url}: {type(error).__name__}")
    return problems


def rebase_feed(feed: bytes, base_url: str) -> bytes:
    """The feed with every URL under its own base moved under base_url (the address being served)."""
    from lxml import etree

    tree = etree.fromstring(feed)
    old = (tree.findtext("channel/link") or "").rstrip("/") + "/"
    new = base_url.rstrip("/") + "/"
    if old == "/" or old == new:
        return feed
    for element in tree.iter():
        for name in ("href", "url"):
            value = element.get(name)
            if value and value.startswith(old):
                element.set(name, new + value[len(old) :])
        if element.text and element.text.startswith(old):
            element.text = new + element.text[len(old) :]
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
