"""The publish stage's front door: write() puts an episode's files in the output folder (the tagged
audio and every side file, all or none) and, when publishing, lists it in the feed and the page."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..addresses import reachability
from ..audio.formats import Tags, audio_format
from ..audio.render import EpisodeAudio
from ..cache import SegmentCache
from ..files import StagedFiles, ensure_writable_dir, slugify, writing_errors
from ..ingest.seen import Seen
from ..model import Article, EpisodeRecord, Script, Show
from ..settings import check_settings, setting
from . import podcast
from .artwork import ARTWORK_VERSION, embedded_cover
from .feed import PublishedEpisode
from .layout import FEED
from .sidefiles import side_files


@dataclass(frozen=True)
class PublishOptions:
    """Stage 5: the podcast feed in the output folder."""

    to_feed: bool = setting(False, "Add the episode to the podcast feed in the output folder", flag="--publish")
    keep: int | None = setting(
        None, "With --publish: keep only the newest N episodes", flag="--keep", toml="show.keep", low=1
    )

    to: str | None = setting(
        None,
        "With --publish: then push the podcast folder here: s3://BUCKET/PREFIX or a folder",
        flag="--to",
        toml="publish.to",
        metavar="DEST",
    )

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True)
class WrittenEpisode:
    """Where write() put the episode's files, and the feed's problems when it published."""

    audio: Path
    script_txt: Path
    metadata_json: Path
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # where the feed cannot be reached from, and why


def check(show: Show, folder: Path, options: PublishOptions) -> Show:
    """The show checked before any slow work (its artwork), with its base URL taken from the
    folder's existing feed when publishing."""
    if show.artwork:  # embedded in the tags, published or not
        podcast.check_artwork(show.artwork)
    return podcast.with_known_base_url(show, folder) if options.to_feed else show


def write(
    script: Script, sound: EpisodeAudio, folder: Path, show: Show, options: PublishOptions, cover_png: bytes
) -> WrittenEpisode:
    """Write the episode's files (the tagged audio and its side files) all or none, and with
    publishing list it in the feed and page; under the folder's lock, published or not, where the
    leftovers of killed runs are cleared."""
    output_dir = ensure_writable_dir(podcast.episodes_dir(folder) if options.to_feed else folder)
    stem = f"{script.date:%Y-%m-%d}-{slugify(script.title)}"
    kind = audio_format(sound.audio_format)
    record = sound.record
    listed = None
    with writing_errors(output_dir), podcast.feed_lock(folder):
        podcast.clear_leftovers(folder)
        if options.to_feed:
            key = source_key(script)
            stem = podcast.episode_stem(folder, stem, key)
            guid, published = podcast.identity(folder, stem)
            record = replace(record, guid=guid, published=published, source_key=key)
        audio_file = output_dir / f"{stem}{kind.suffix}"
        with StagedFiles() as staged:
            staged_audio = staged.path(audio_file)
            sound.write_audio(staged_audio)
            kind.write_tags(staged_audio, episode_tags(script, record, cover_png))
            for side in side_files():
                staged.path(output_dir / f"{stem}{side.suffix}").write_text(side.text(script, record), encoding="utf-8")
            if options.to_feed:  # the feed is renamed into place right after the episode's files
                adding = PublishedEpisode(stem, record, staged_audio.stat().st_size)
                listed = podcast.stage_feed(folder, show, staged, adding)
        if listed is not None:
            podcast.write_page_for(folder, show, listed.episodes)
            if options.keep:
                podcast.prune(folder, options.keep, show)
            warnings = tuple(listed.healed + published_warnings(folder, show, options))
    return WrittenEpisode(
        audio_file,
        output_dir / f"{stem}.txt",
        output_dir / f"{stem}.json",
        tuple(listed.damaged) if listed else (),
        warnings if listed else (),
    )


def published_warnings(folder: Path, show: Show, options: PublishOptions) -> list[str]:
    """Push the folder when a destination is set; a line for each reason apps cannot reach the feed.
    Call it holding the folder's lock: the push mirrors one consistent folder."""
    if options.to:
        # boto3 and the destinations: 0.4 s to import, for pushing alone
        from .push import push

        return push(folder, options.to, show.base_url).warnings
    problem = reachability(show.url(FEED)) if show.base_url else None
    return [problem] if problem else []


def source_key(script: Script) -> str:
    """What an episode is made from, as one key: each story's address, or for a text with no address
    (a file, standard input, a pasted text) a hash of what it says. Two stories with one headline
    differ in it; the same page published again does not."""
    stories = []
    for number, story in enumerate(script.stories):
        text = " ".join(segment.text for segment in script.segments if segment.story == number)
        stories.append(story.url or hashlib.sha256(text.encode()).hexdigest())
    return hashlib.sha256(json.dumps(stories).encode()).hexdigest()[:32]


def episode_tags(script: Script, record: EpisodeRecord, cover_png: bytes) -> Tags:
    """What the audio file says about itself: titles, sources, cover and chapters."""
    return Tags(
        title=script.title,
        show=script.show,
        date=script.date.isoformat(),
        comment=f"Source: {', '.join(story.public_source for story in script.stories)}",
        length_ms=round(record.duration * 1000),
        cover_png=cover_png,
        chapters=record.chapters,
    )


def cover_art(show: str, artwork: Path | None, cache: SegmentCache | None) -> bytes:
    """The cover for the tags: the user's artwork, or art drawn for the show (once: then from the
    cache, as drawing it takes longer than the rest of a warm render's tagging). Drawn beside the
    voice, it leaves pruning to the audio stage, which prunes once the voice is done."""
    if artwork is not None or cache is None:
        return embedded_cover(show, artwork)
    key = cache.material_key({"cover": show, "artwork": ARTWORK_VERSION})
    png = cache.get_artwork(key)
    if png is None:
        png = embedded_cover(show)
        cache.put_artwork(key, png)
    return png


def remember(articles: Sequence[Article], folder: Path) -> None:
    """Record the briefed articles in the folder's seen-state, under the folder's lock."""
    if not articles:
        return
    with podcast.feed_lock(folder):
        seen = Seen.load(folder)
        for article in articles:
            seen.add(article)
        seen.save(folder)
