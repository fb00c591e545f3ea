"""ID3 tags: text frames, cover art, and chapters with each story's source URL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .transcript import Chapter


@dataclass(frozen=True)
class Tags:
    """ID3 tags for an episode."""

    title: str
    show: str
    date: str  # ISO date
    comment: str
    length_ms: int
    cover_png: bytes | None = None
    chapters: tuple[Chapter, ...] = ()


def write_tags(path: str | Path, tags: Tags) -> None:
    """Write ID3v2.4 tags to an MP3: text frames, cover art, and chapters (CHAP frames, with the
    source URL of each story, under a CTOC table of contents)."""
    from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLEN, TPE1, WXXX, CTOCFlags

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.show))
    id3.add(TALB(encoding=3, text=tags.show))
    id3.add(TDRC(encoding=3, text=tags.date))
    id3.add(TCON(encoding=3, text="Podcast"))
    id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    id3.add(TLEN(encoding=3, text=str(tags.length_ms)))
    if tags.cover_png:
        id3.add(APIC(encoding=3, mime="image/png", type=3, desc="Cover", data=tags.cover_png))
    ids = [f"chp{index}" for index in range(len(tags.chapters))]
    for element_id, chapter in zip(ids, tags.chapters):
        sub_frames = [TIT2(encoding=3, text=chapter.title)]
        if chapter.url:
            sub_frames.append(WXXX(encoding=3, desc="Source", url=chapter.url))
        id3.add(CHAP(element_id=element_id, start_time=round(chapter.start * 1000), end_time=round(chapter.end * 1000),
                     sub_frames=sub_frames))
    if ids:
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text="Chapters")]))
    id3.save(str(path), v2_version=4)
