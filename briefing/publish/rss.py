"""The RSS 2.0 feed (feed.xml), with the iTunes and Podcasting 2.0 namespaces: built from the
episode records, its addresses moved by `briefing serve`, and checked by `feed lint` against what
Apple Podcasts and other apps refuse."""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
from pathlib import Path, PurePosixPath

from lxml import etree

from ..addresses import is_web_address, web_link
from ..model import Show
from .feed import FeedFormat, LintReport, PublishedEpisode, podcast_guid, register
from .layout import COVER, FEED, PAGE, episode_path
from .sidefiles.chapters import ChaptersJSON
from .sidefiles.srt import SubRip
from .sidefiles.webvtt import WebVTT
from .xmlns import NAMESPACES

INVALID_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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
        try:
            link = etree.fromstring(document).findtext("channel/link")
        except etree.XMLSyntaxError:
            return None
        return link.rstrip("/") if link and is_web_address(link) else None

    @classmethod
    def identity(cls, document: bytes) -> str | None:
        try:
            found = etree.fromstring(document).findtext("channel/podcast:guid", namespaces=NAMESPACES)
        except etree.XMLSyntaxError:
            return None
        return found.strip() if found and found.strip() else None

    @classmethod
    def rebased(cls, document: bytes, base_url: str, media_base: str | None = None) -> bytes:
        return rebase_feed(document, base_url, media_base)

    @classmethod
    def lint(cls, folder: Path, url: str | None = None, timeout: float = 10.0) -> LintReport:
        from .rss_lint import lint_rss  # requests: 0.15 s to import, for `feed lint` alone

        return lint_rss(folder, url, timeout)


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
    add(channel, "podcast:guid", show.guid or podcast_guid(feed_url if show.base_url else f"{show.title}/{FEED}"))
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


def rebase_feed(feed: bytes, base_url: str, media_base: str | None = None) -> bytes:
    """The feed with every URL under its own base moved under base_url (the address being served);
    with media_base, the files it names (all but the feed and the page) under media_base."""
    tree = etree.fromstring(feed)
    old = (tree.findtext("channel/link") or "").rstrip("/") + "/"
    new = base_url.rstrip("/") + "/"
    files = (media_base or base_url).rstrip("/") + "/"
    if old == "/" or old == new == files:
        return feed

    def moved(value: str) -> str:
        rest = value[len(old) :]
        return (new if rest in ("", FEED, PAGE) else files) + rest

    for element in tree.iter():
        for name in ("href", "url"):
            value = element.get(name)
            if value and value.startswith(old):
                element.set(name, moved(value))
        if element.text and element.text.startswith(old):
            element.text = moved(element.text)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
