"""Stage 5, publish: the output folder as a podcast that can be copied to any web host.

    FOLDER/feed.xml            RSS 2.0 with the iTunes and Podcasting 2.0 namespaces
    FOLDER/index.html          the page for phones (page.py), with manifest.webmanifest and icons
    FOLDER/cover.png           square show artwork, 3000 px generated or the user's, checked
    FOLDER/episodes/STEM.*     .mp3 (ID3 chapters), .json (metadata), .txt, .vtt, .srt, .chapters.json

The episodes' .json files are the record: the feed is rebuilt from them on every change, written
to a temporary file and renamed into place, under a lock so concurrent publishers both land.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import fcntl
import html
import io
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..addresses import is_web_address, web_link
from ..errors import BriefingError
from ..files import StagedFiles
from ..model import EpisodeRecord, Show, StoryRecord

FEED = "feed.xml"
EPISODES = "episodes"
COVER = "cover.png"
LOCK = ".briefing.lock"
COVER_SIZE = 3000
ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
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


@dataclass(frozen=True)
class PublishedEpisode:
    """An episode of the feed: its files' stem, its record (with its guid and first publication)
    and the size of its MP3."""

    stem: str
    record: EpisodeRecord
    mp3_bytes: int

    def __post_init__(self) -> None:
        if not self.record.guid or self.record.published is None:
            raise ValueError("it has no guid or publication time")

    @property
    def title(self) -> str:
        return self.record.title

    @property
    def guid(self) -> str:
        return self.record.guid

    @property
    def published(self) -> dt.datetime:
        return self.record.published

    @property
    def duration(self) -> float:
        return self.record.duration

    @property
    def stories(self) -> tuple[StoryRecord, ...]:
        return self.record.stories


def with_known_base_url(show: Show, folder: Path) -> Show:
    """The show, taking its base URL from the folder's existing feed when none is configured."""
    if show.base_url or not (Path(folder) / FEED).is_file():
        return show
    from lxml import etree

    try:
        link = etree.parse(str(Path(folder) / FEED)).findtext("channel/link")
    except etree.XMLSyntaxError:
        return show
    return replace(show, base_url=link.rstrip("/")) if is_web_address(link) else show


def podcast_guid(feed_url: str) -> str:
    """The podcast:guid of a feed: UUIDv5 of its URL without scheme and trailing slashes."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url).rstrip("/")))


def episodes_dir(folder: Path) -> Path:
    return Path(folder) / EPISODES


@contextmanager
def feed_lock(folder: Path):
    """An exclusive lock on the podcast folder, for changing episodes and the feed."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    with open(Path(folder) / LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def identity(folder: Path, stem: str) -> tuple[str, dt.datetime]:
    """(guid, first published) of the episode STEM: kept when it is published again, new otherwise."""
    try:
        record = EpisodeRecord.from_json((episodes_dir(folder) / f"{stem}.json").read_text(encoding="utf-8"))
        if record.guid and record.published:
            return record.guid, record.published
    except (OSError, ValueError):
        pass  # not published before, or its record is damaged: a new identity
    return str(uuid.uuid4()), dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class Catalogue:
    """The folder's complete episodes, newest first, and a line for each record that is damaged
    (left out of the feed, reported, and never in the way of the others)."""

    episodes: list[PublishedEpisode]
    damaged: list[str] = field(default_factory=list)


def read_catalogue(folder: Path) -> Catalogue:
    """Every episode record in the folder. An episode whose MP3 is missing is not complete (a run
    killed while writing): it is passed over silently, as the next run clears it."""
    found, damaged = [], []
    for record in sorted(episodes_dir(folder).glob("*.json")):
        if record.name.endswith(".chapters.json"):
            continue
        try:
            mp3_bytes = record.with_suffix(".mp3").stat().st_size
        except OSError:
            continue
        try:
            found.append(PublishedEpisode(record.stem, EpisodeRecord.from_json(record.read_text(encoding="utf-8")), mp3_bytes))
        except (OSError, ValueError) as error:
            damaged.append(f"damaged episode record {record.name} ({error}): left out of the feed")
    return Catalogue(newest_first(found), damaged)


def published_episodes(folder: Path) -> list[PublishedEpisode]:
    """Every complete episode in the folder with a sound record, newest first."""
    return read_catalogue(folder).episodes


def newest_first(episodes: list[PublishedEpisode]) -> list[PublishedEpisode]:
    return sorted(episodes, key=lambda episode: (episode.published, episode.stem), reverse=True)


def show_notes(episode: PublishedEpisode) -> str:
    """HTML show notes: the stories, each linked to its source, with its opening sentence."""
    items = []
    for story in episode.stories:
        title = html.escape(story.title)
        url = web_link(story.url) or web_link(story.source)
        outlet = f" ({html.escape(story.outlet)})" if story.outlet else ""
        lead = f": {html.escape(story.lead)}" if story.lead else ""
        heading = f'<a href="{html.escape(url)}">{title}</a>' if url else title
        items.append(f"<li>{heading}{outlet}{lead}</li>")
    return f"<p>{html.escape(episode.title)}</p><ul>{''.join(items)}</ul>"


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def feed_xml(show: Show, episodes: list[PublishedEpisode], cover_name: str = COVER) -> bytes:
    """The RSS document for the show and its episodes."""
    from lxml import etree

    def add(parent, tag: str, text: str | None = None, **attributes):
        prefix, _, local = tag.rpartition(":")
        element = etree.SubElement(parent, f"{{{NAMESPACES[prefix]}}}{local}" if prefix else local,
                                   {k.replace("_", "-") if k != "href" else k: xml_safe(v) for k, v in attributes.items()})
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
    add(channel, "lastBuildDate", email.utils.format_datetime(dt.datetime.now(dt.timezone.utc)))
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
        base = f"{EPISODES}/{episode.stem}"
        add(item, "enclosure", url=show.url(f"{base}.mp3"), length=str(episode.mp3_bytes), type="audio/mpeg")
        add(item, "itunes:duration", _duration(episode.duration))
        add(item, "itunes:image", href=cover_url)
        add(item, "itunes:episodeType", "full")
        add(item, "itunes:explicit", "true" if show.explicit else "false")
        add(item, "podcast:transcript", url=show.url(f"{base}.vtt"), type="text/vtt", rel="captions")
        add(item, "podcast:transcript", url=show.url(f"{base}.srt"), type="application/x-subrip", rel="captions")
        add(item, "podcast:chapters", url=show.url(f"{base}.chapters.json"), type="application/json+chapters")
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (control characters, lone surrogates), which
    a hand-edited record or an old one could still carry; lxml refuses them with an exception."""
    return INVALID_IN_XML.sub("", text)


def check_artwork(path: Path):
    """The user's artwork as an RGB image, or BriefingError saying what Apple would refuse."""
    from PIL import Image, UnidentifiedImageError

    # Format and size are read from the header before any pixel is decoded: a 20000 px image
    # (or a decompression bomb) is refused without the memory it would take.
    try:
        image = Image.open(path)
    except Image.DecompressionBombError:
        raise BriefingError(f"artwork {path} is far larger than {ARTWORK_MAX} px square") from None
    except (OSError, UnidentifiedImageError, ValueError):
        raise BriefingError(f"artwork {path} is not a PNG or JPEG image") from None
    if image.format not in ("PNG", "JPEG"):
        raise BriefingError(f"artwork {path} is {image.format}; podcast apps take PNG or JPEG")
    width, height = image.size
    if width != height:
        raise BriefingError(f"artwork {path} is {width}x{height}; it must be square")
    if not ARTWORK_MIN <= width <= ARTWORK_MAX:
        raise BriefingError(f"artwork {path} is {width} px square; it must be {ARTWORK_MIN} to {ARTWORK_MAX} px")
    try:
        image.load()
    except (OSError, Image.DecompressionBombError, ValueError):
        raise BriefingError(f"artwork {path} is damaged: its pixels cannot be read") from None
    if image.mode != "RGB":  # Apple refuses transparency and other colour modes
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    return image


def ensure_cover(folder: Path, show: Show) -> None:
    """cover.png: the user's artwork (checked, made RGB) or generated artwork with the show's title."""
    from PIL import Image, PngImagePlugin

    from .artwork import cover_png

    target = Path(folder) / COVER
    marker = f"{show.artwork.resolve()}:{show.artwork.stat().st_mtime_ns}" if show.artwork else f"generated:{show.title}"
    if target.is_file():
        try:
            if Image.open(target).text.get("briefing-source") == marker:
                return
        except OSError:
            pass
    info = PngImagePlugin.PngInfo()
    info.add_text("briefing-source", marker)
    image = check_artwork(show.artwork) if show.artwork else Image.open(io.BytesIO(cover_png(show.title, COVER_SIZE)))
    with StagedFiles() as staged:
        image.save(staged.path(target), format="PNG", pnginfo=info, optimize=True)


def write_feed(folder: Path, show: Show) -> Catalogue:
    """Rewrite feed.xml, the web page (and the cover when needed) from the episodes in the folder;
    returns what it lists. Call it holding feed_lock(folder)."""
    with StagedFiles() as staged:
        catalogue = stage_feed(folder, show, staged)
    write_page_for(folder, show, catalogue.episodes)
    return catalogue


def stage_feed(folder: Path, show: Show, staged: StagedFiles, adding: PublishedEpisode | None = None) -> Catalogue:
    """Stage feed.xml, listing the folder's episodes and `adding` (an episode whose files are staged
    in the same StagedFiles), and return what it lists. The feed is renamed into place right
    after the episode's files, so a crash at any moment leaves a feed that lists exactly the
    episodes whose files are all there."""
    show = with_known_base_url(show, folder)
    ensure_cover(folder, show)
    catalogue = read_catalogue(folder)
    if adding is not None:
        catalogue = replace(catalogue, episodes=newest_first(
            [episode for episode in catalogue.episodes if episode.stem != adding.stem] + [adding]))
    staged.path(Path(folder) / FEED).write_bytes(feed_xml(show, catalogue.episodes))
    return catalogue


def write_page_for(folder: Path, show: Show, episodes: list[PublishedEpisode]) -> None:
    from .page import write_page

    write_page(folder, with_known_base_url(show, folder), episodes, Path(folder) / COVER)


def clear_leftovers(folder: Path) -> int:
    """Delete the temporary files of runs that were killed before they could (hidden `.NAME.*.part`
    files); returns how many. Call it holding feed_lock(folder): every writer there holds it."""
    removed = 0
    for directory in (Path(folder), episodes_dir(folder)):
        for leftover in directory.glob(".*.part") if directory.is_dir() else ():
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


def episode_files(folder: Path, stem: str) -> list[Path]:
    return sorted(episodes_dir(folder).glob(f"{glob_escape(stem)}.*"))


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def remove_episode(folder: Path, stem: str, show: Show) -> list[Path]:
    """Delete an episode's files and rewrite the feed without it."""
    with feed_lock(folder):
        files = episode_files(folder, stem)
        if not files:
            known = ", ".join(episode.stem for episode in published_episodes(folder)) or "none"
            raise BriefingError(f"no episode {stem!r} in {folder} (episodes: {known})")
        _delete_episode(folder, stem)
        write_feed(folder, show)
    return files


def _delete_episode(folder: Path, stem: str) -> None:
    # The record goes first, so a crash part-way leaves no listed episode without its audio.
    record = episodes_dir(folder) / f"{stem}.json"
    for path in [record] + [path for path in episode_files(folder, stem) if path != record]:
        path.unlink(missing_ok=True)


def prune(folder: Path, keep: int, show: Show) -> list[str]:
    """Remove all but the newest `keep` episodes and rewrite the feed; returns the stems removed.
    Call it holding feed_lock(folder): what is newest is decided and acted on under one lock."""
    if keep < 1:
        raise BriefingError("--keep must be at least 1")
    removed = [episode.stem for episode in published_episodes(folder)[keep:]]
    for stem in removed:
        _delete_episode(folder, stem)
    if removed:
        write_feed(folder, show)
    return removed


def rebuild(folder: Path, show: Show) -> Catalogue:
    """Rewrite feed.xml and the page from the episode records; returns what it lists."""
    with feed_lock(folder):
        return write_feed(folder, show)


@dataclass(frozen=True)
class LintReport:
    """What `feed lint` found: problems apps would refuse the feed for, and warnings."""

    problems: list[str]
    warnings: list[str] = field(default_factory=list)


def lint(folder: Path, url: str | None = None, timeout: float = 10.0) -> LintReport:
    """Problems Apple Podcasts and other apps would refuse or stumble on, and warnings, one line each."""
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
        warnings.append("feed: no base URL, so its addresses are relative: `briefing serve` fills in the listener's "
                        "address, but a web host needs --base-url (or base_url in [show] of briefing.toml)")
    ns = NAMESPACES
    for tag in ("title", "link", "description", "language", "itunes:image", "itunes:category", "itunes:explicit",
                "itunes:author", "itunes:owner", "podcast:guid"):
        if channel.find(tag, ns) is None:
            problems.append(f"channel: missing <{tag}>")
    if channel.find("itunes:owner/itunes:email", ns) is None:
        problems.append("channel: <itunes:owner> has no <itunes:email> (Apple requires one; set owner_email)")
    image = channel.find("itunes:image", ns)
    base = (channel.findtext("link") or "").rstrip("/") + "/"

    def local(link: str | None) -> Path | None:
        return folder / link[len(base):] if link and link.startswith(base) else None

    if image is not None:
        cover = local(image.get("href"))
        if cover is None or not cover.is_file():
            problems.append(f"artwork: {image.get('href')} is not a file in {folder}")
        else:
            with Image.open(cover) as art:
                if art.size[0] != art.size[1] or not ARTWORK_MIN <= art.size[0] <= ARTWORK_MAX:
                    problems.append(f"artwork: {art.size[0]}x{art.size[1]}; must be square, {ARTWORK_MIN}-{ARTWORK_MAX} px")
                if art.mode != "RGB":
                    problems.append(f"artwork: colour mode {art.mode}; must be RGB without transparency")
    problems += read_catalogue(folder).damaged
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
        if enclosure.get("type") != "audio/mpeg":
            problems.append(f"episode {name!r}: enclosure type {enclosure.get('type')!r}, expected audio/mpeg")
        path = local(enclosure.get("url"))
        if path is None or not path.is_file():
            problems.append(f"episode {name!r}: enclosure {enclosure.get('url')} is not a file in {folder}")
        elif str(path.stat().st_size) != enclosure.get("length"):
            problems.append(f"episode {name!r}: enclosure length {enclosure.get('length')} but the file has {path.stat().st_size} bytes")
        for linked in item.findall("podcast:transcript", ns) + item.findall("podcast:chapters", ns):
            target = local(linked.get("url"))
            if target is None or not target.is_file():
                problems.append(f"episode {name!r}: {linked.get('url')} is not a file in {folder}")
    if url:
        problems += lint_host(url.rstrip("/") + "/", [item.find("enclosure") for item in items], base, timeout)
    return LintReport(problems, warnings)


def lint_host(url: str, enclosures: list, base: str, timeout: float) -> list[str]:
    """Check the host serving the folder at url: the feed answers HEAD, each MP3 HEAD and byte ranges."""
    import requests

    problems = []

    def at_host(link: str) -> str:
        return url + link[len(base):] if link.startswith(base) else link

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
                problems.append(f"host: {target} has Content-Length {head.headers.get('Content-Length')}, feed says {enclosure.get('length')}")
            ranged = requests.get(target, headers={"Range": "bytes=0-1"}, timeout=timeout, stream=True)
            ranged.close()
            if ranged.status_code != 206 or not ranged.headers.get("Content-Range", "").startswith("bytes 0-1/"):
                problems.append(f"host: {target} does not answer byte-range requests (got {ranged.status_code}); iOS will not play it")
    except requests.RequestException as error:
        problems.append(f"host: cannot reach {url}: {type(error).__name__}")
    return problems
