"""Stage 5, publish: the output folder as a podcast that can be copied to any web host.

    FOLDER/feed.xml            RSS 2.0 with the iTunes and Podcasting 2.0 namespaces (rss.py), and
                               any other registered feed format (feed.py)
    FOLDER/index.html          the page for phones (page.py), with manifest.webmanifest and icons
    FOLDER/cover.png           square show artwork, 3000 px generated or the user's, checked
    FOLDER/episodes/STEM.*     the audio (.mp3 or .m4a, with chapters), .json (the record), .txt, .vtt,
                               .srt, .chapters.json

The episodes' .json files are the record: the feeds are rebuilt from them on every change, written
to temporary files and renamed into place, under a lock so concurrent publishers both land.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image, PngImagePlugin, UnidentifiedImageError

from ..audio.formats import audio_format, media_types
from ..errors import BriefingError
from ..files import StagedFiles, exclusive_lock, write_whole
from ..model import EpisodeRecord, Show
from .artwork import cover_png
from .feed import LintReport, PublishedEpisode, feed_formats, podcast_guid
from .layout import COVER, FEED, LOCK, SHOW_STATE, episodes_dir
from .page import write_page
from .recover import recover

COVER_SIZE = 3000
ARTWORK_MIN, ARTWORK_MAX = 1400, 3000


def with_known_base_url(show: Show, folder: Path) -> Show:
    """The show, taking its base URL from the folder's existing feed when none is configured."""
    if show.base_url:
        return show
    for feed in feed_formats():
        try:
            found = feed.base_url((Path(folder) / feed.filename).read_bytes())
        except OSError:
            continue
        if found:
            return replace(show, base_url=found)
    return show


def with_identity(show: Show, folder: Path) -> Show:
    """The show with its podcast:guid, which never changes: made once, at the first publish, from
    the feed's first address (as the podcast namespace says), and kept in the folder's state, so
    that another base URL, host, destination or title is still the same podcast to the apps. A
    folder published before the guid was kept takes the one its feed names. Call it holding
    feed_lock(folder)."""
    state = Path(folder) / SHOW_STATE
    try:
        guid = json.loads(state.read_text(encoding="utf-8"))["guid"]
        if isinstance(guid, str) and guid:
            return replace(show, guid=guid)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not published yet, or the state is damaged: found again below
    guid = _named_by_feed(folder) or podcast_guid(show.url(FEED) if show.base_url else f"{show.title}/{FEED}")
    write_whole(state, lambda handle: handle.write(json.dumps({"guid": guid}).encode() + b"\n"))
    return replace(show, guid=guid)


def _named_by_feed(folder: Path) -> str | None:
    for feed in feed_formats():
        try:
            found = feed.identity((Path(folder) / feed.filename).read_bytes())
        except OSError:
            continue
        if found:
            return found
    return None


def feed_lock(folder: Path):
    """An exclusive lock on the podcast folder, for changing episodes and the feed."""
    return exclusive_lock(Path(folder) / LOCK)


def episode_stem(folder: Path, stem: str, source_key: str) -> str:
    """The name an episode made from source_key is published under: stem, unless an episode made
    from another source has it (two stories with one headline on one day): then stem-2, stem-3...
    Publishing the same source again takes its own name again (and replaces it). Call it holding
    feed_lock(folder)."""
    for number in range(1, 10_000):
        candidate = stem if number == 1 else f"{stem}-{number}"
        path = episodes_dir(folder) / f"{candidate}.json"
        try:
            record = EpisodeRecord.from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return candidate
        except (OSError, ValueError):
            continue  # a damaged record: its episode is not overwritten either
        if record.source_key in (None, source_key):  # the same source (None: from before sources were kept)
            return candidate
    raise BriefingError(f"too many episodes named {stem} in {folder}")


def identity(folder: Path, stem: str) -> tuple[str, dt.datetime]:
    """(guid, first published) of the episode STEM: kept when it is published again, new otherwise."""
    try:
        record = EpisodeRecord.from_json((episodes_dir(folder) / f"{stem}.json").read_text(encoding="utf-8"))
        if record.guid and record.published:
            return record.guid, record.published
    except (OSError, ValueError):
        pass  # not published before, or its record is damaged: a new identity
    return str(uuid.uuid4()), dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Catalogue:
    """The folder's complete episodes, newest first, and a line for each record that is damaged
    (left out of the feed, reported, and never in the way of the others)."""

    episodes: list[PublishedEpisode]
    damaged: list[str] = field(default_factory=list)
    damaged_stems: list[str] = field(default_factory=list)  # the episodes whose record cannot be read
    healed: list[str] = field(default_factory=list)  # a line for each record made again (see heal)


def read_catalogue(folder: Path) -> Catalogue:
    """Every episode record in the folder. An episode whose audio is missing is not complete (a run
    killed while writing): it is passed over silently, as the next run clears it."""
    found, damaged, damaged_stems = [], [], []
    for record in sorted(episodes_dir(folder).glob("*.json")):
        if record.name.endswith(".chapters.json"):
            continue
        try:
            episode = EpisodeRecord.from_json(record.read_text(encoding="utf-8"))
            audio = record.with_suffix(audio_format(episode.audio_format).suffix)
        except (OSError, ValueError, BriefingError) as error:
            if any(record.with_suffix(suffix).is_file() for suffix in media_types()):
                damaged.append(
                    f"damaged episode record {record.name} ({error}): left out of the feed "
                    "(briefing feed rebuild makes it again)"
                )
                damaged_stems.append(record.stem)
            continue
        try:
            found.append(PublishedEpisode(record.stem, episode, audio.stat().st_size))
        except OSError:
            continue
        except ValueError as error:
            damaged.append(f"damaged episode record {record.name} ({error}): left out of the feed")
    return Catalogue(newest_first(found), damaged, damaged_stems)


def published_episodes(folder: Path) -> list[PublishedEpisode]:
    """Every complete episode in the folder with a sound record, newest first."""
    return read_catalogue(folder).episodes


def newest_first(episodes: list[PublishedEpisode]) -> list[PublishedEpisode]:
    return sorted(episodes, key=lambda episode: (episode.published, episode.stem), reverse=True)


def check_artwork(path: Path):
    """The user's artwork as an RGB image, or BriefingError saying what Apple would refuse."""
    # Format and size are read from the header before any pixel is decoded: a 20000 px image
    # (or a decompression bomb) is refused without the memory it would take.
    try:
        with warnings.catch_warnings():  # a large image is refused below, in one line, not warned about first
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
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
    target = Path(folder) / COVER
    marker = (
        f"{show.artwork.resolve()}:{show.artwork.stat().st_mtime_ns}" if show.artwork else f"generated:{show.title}"
    )
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
    """Rewrite the feeds, the web page (and the cover when needed) from the episodes in the folder;
    returns what they list. Call it holding feed_lock(folder)."""
    with StagedFiles() as staged:
        catalogue = stage_feed(folder, show, staged)
    write_page_for(folder, show, catalogue.episodes)
    return catalogue


def stage_feed(folder: Path, show: Show, staged: StagedFiles, adding: PublishedEpisode | None = None) -> Catalogue:
    """Stage every feed format's file, listing the folder's episodes and `adding` (an episode whose
    files are staged in the same StagedFiles), and return what they list. The feeds are renamed
    into place right after the episode's files, so a crash at any moment leaves feeds that list
    exactly the episodes whose files are all there."""
    show = with_identity(with_known_base_url(show, folder), folder)
    ensure_cover(folder, show)
    catalogue = read_catalogue(folder)
    if catalogue.damaged_stems:  # read again only when a record was made again
        healed = heal(folder, catalogue.damaged_stems)
        catalogue = replace(read_catalogue(folder), healed=healed)
    if adding is not None:
        catalogue = replace(
            catalogue,
            episodes=newest_first(
                [episode for episode in catalogue.episodes if episode.stem != adding.stem] + [adding]
            ),
        )
    for feed in feed_formats():
        staged.path(Path(folder) / feed.filename).write_bytes(feed.build(show, catalogue.episodes))
    return catalogue


def write_page_for(folder: Path, show: Show, episodes: list[PublishedEpisode]) -> None:
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
    """Rewrite the feeds and the page from the episode records (a damaged one made again first:
    see heal); returns what they list."""
    with feed_lock(folder):
        return write_feed(folder, show)


def heal(folder: Path, stems: list[str]) -> list[str]:
    """Make the damaged episode records of stems again where their audio is there, from the audio, its side files
    and the feed that still lists it (recover.py), so no episode is left out of the feed; a line
    for each. Call it holding feed_lock(folder), before the feed is rewritten."""

    made_again = []
    for stem in stems:
        record = recover(folder, stem)
        if record is not None:
            with StagedFiles() as staged:
                staged.path(episodes_dir(folder) / f"{stem}.json").write_text(record.to_json(), encoding="utf-8")
            made_again.append(f"the record of {stem} was damaged: made again from its audio and side files")
    return made_again


def lint(folder: Path, url: str | None = None, timeout: float = 10.0) -> LintReport:
    """Problems Apple Podcasts and other apps would refuse or stumble on, and warnings, one line
    each: every feed format's, and the episode records that are damaged."""
    problems, warnings = [], []
    for feed in feed_formats():
        report = feed.lint(Path(folder), url, timeout)
        problems += report.problems
        warnings += report.warnings
    return LintReport(problems + read_catalogue(folder).damaged, warnings)
