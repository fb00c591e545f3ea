"""Editable briefing scripts: a Draft written as Markdown, and read back.

    +++
    title = "Intervention in Libya has already begun"
    show = "Briefing"
    date = 2026-11-24
    sources = ["examples/libya-intervention.txt"]
    +++

    # Intro
    This is Briefing, for Tuesday, November 24, 2026.
    [pause 1.5s]

    # Intervention in Libya has already begun
    <!-- source: examples/libya-intervention.txt -->
    First paragraph, as it will be read...

    [voice en-gb]
    A paragraph read by another voice.

    # Outro
    That was Briefing...

Front matter is TOML (`sources` there is for the reader; each story's own source is in its
comment). `# Intro` and `# Outro` are the show's own words; every other level-one
heading is a story, its headline the heading (word for word after a backslash: `# \\Intro`).
Paragraphs are separated by blank lines and read as written, with numbers and abbreviations
expanded when rendered (write words to override). `[pause 1.5s]` on a line of its own sets the
pause after the paragraph above it; `[voice NAME]` before a paragraph reads it with another voice
of the engine. Comments record each story's
source and the blocks cleaning dropped; they are not read aloud.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import replace
from pathlib import Path

from ..addresses import is_web_address
from ..errors import BriefingError
from ..ingest.sources import read_file
from ..model import Draft, DroppedBlock, Paragraph, Section, Story

FRONT_MATTER = "+++"
FRONT_MATTER_KEYS = {"title", "show", "date", "voice", "sources"}
STORY_FIELDS = ("source", "url", "outlet", "published")
PAUSE = re.compile(r"^\[pause\s+(\d+(?:\.\d+)?)\s*(s|ms)\]$", re.I)
VOICE = re.compile(r"^\[voice\s+([^\]\s]+)\]$", re.I)
DIRECTIVE = re.compile(r"^\[(\w+)\b[^\]]*\]$")
COMMENT = re.compile(r"^<!--\s*(.*?)\s*-->$")
DROPPED = re.compile(r"^dropped \(([\w-]+)\):\s*(.*)$", re.S)
# A heading; one written after a backslash is a story's headline, word for word (one called Intro,
# or ending in #, would otherwise read as something else).
HEADING = re.compile(r"^#\s+(?:\\(?P<headline>.+)|(?P<name>.+?)\s*#*)$")
GUIDE = (
    "<!-- A briefing script: edit it, then `briefing make THIS_FILE`. Paragraphs are read as written; "
    "numbers and abbreviations are expanded when rendered. [pause 1.5s] on its own line sets the pause "
    "after the paragraph above; [voice NAME] before a paragraph changes its voice. -->"
)


def is_script_file(path: str | Path) -> bool:
    """True for a Markdown file that starts with briefing's front matter."""
    path = Path(path)
    try:
        if path.suffix.lower() not in (".md", ".markdown") or not path.is_file():
            return False
        with path.open("rb") as handle:
            return handle.readline(len(FRONT_MATTER) + 8).strip() == FRONT_MATTER.encode()
    except (OSError, ValueError):  # unreadable, or a name the system cannot look up: not a script
        return False


def _toml_string(value: str) -> str:
    """A TOML basic string: backslash, quote and control characters escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group(0)):04x}", escaped) + '"'


def _comment(text: str) -> str:
    return "<!-- " + text.replace("--", "- -").replace("\n", " ") + " -->"


def _pause(seconds: float) -> str:
    return f"[pause {seconds:g}s]"


def to_markdown(plan: Draft) -> str:
    """The draft as an editable Markdown script."""
    sources = ", ".join(_toml_string(story.url or story.source) for story in plan.stories)
    lines = [
        FRONT_MATTER,
        f"title = {_toml_string(plan.title)}",
        f"show = {_toml_string(plan.show)}",
        f"date = {plan.date.isoformat()}",
    ]
    if plan.voice:
        lines.append(f"voice = {_toml_string(plan.voice)}")
    lines += [f"sources = [{sources}]", FRONT_MATTER, "", GUIDE]
    for section in plan.sections:
        lines += ["", f"# {section.kind.capitalize() if section.story is None else _headline(section.story.title)}"]
        if section.story is not None:
            lines += [
                _comment(f"{name}: {value.isoformat() if isinstance(value, dt.datetime) else value}")
                for name in STORY_FIELDS
                if (value := getattr(section.story, name)) and not (name == "url" and value == section.story.source)
            ]
            lines += [_comment(f"dropped ({block.rule}): {block.text}") for block in section.story.dropped]
        for paragraph in section.paragraphs:
            lines.append("")
            if paragraph.voice:
                lines.append(f"[voice {paragraph.voice}]")
            lines.append("\\" + paragraph.text if re.match(r"#|\[|<!--|\+\+\+|\\", paragraph.text) else paragraph.text)
            if paragraph.pause_after is not None:
                lines += ["", _pause(paragraph.pause_after)]
    return "\n".join(lines) + "\n"


def with_explicit_section_pauses(plan: Draft, section_pause: float) -> Draft:
    """The draft with the pause after each section written out, so a script file shows it."""
    sections = []
    for section in plan.sections:
        if section.kind != "outro" and section.paragraphs and section.paragraphs[-1].pause_after is None:
            last = replace(section.paragraphs[-1], pause_after=section_pause)
            section = replace(section, paragraphs=section.paragraphs[:-1] + (last,))
        sections.append(section)
    return replace(plan, sections=tuple(sections))


class _Reader:
    """Builds a Draft from script lines, naming the line of any error."""

    def __init__(self, source: str):
        self.source = source
        self.sections: list[Section] = []
        self.kind: str | None = None
        self.story: Story | None = None
        self.paragraphs: list[Paragraph] = []
        self.lines: list[str] = []  # the paragraph being read
        self.voice: str | None = None  # for the next paragraph

    def fail(self, number: int, message: str):
        raise BriefingError(f"{self.source} line {number}: {message}")

    def end_paragraph(self) -> None:
        if self.lines:
            self.paragraphs.append(Paragraph(" ".join(self.lines), voice=self.voice))
            self.lines, self.voice = [], None

    def end_section(self, number: int) -> None:
        self.end_paragraph()
        if self.kind is None:
            return
        if not self.paragraphs:
            self.fail(
                number,
                f"section {'# ' + (self.story.title if self.story else self.kind.capitalize())!r} has no paragraphs",
            )
        self.sections.append(Section(self.kind, tuple(self.paragraphs), self.story))
        self.kind, self.story, self.paragraphs = None, None, []

    def line(self, number: int, text: str) -> None:
        stripped = text.strip()
        escaped = stripped.startswith("\\")  # a paragraph that looks like markup, written as text
        heading = None if escaped else HEADING.match(stripped)
        comment = None if escaped else COMMENT.match(stripped)
        if heading:
            self.end_section(number)
            name = heading.group("headline") or heading.group("name")
            self.kind = (
                name.lower() if not heading.group("headline") and name.lower() in ("intro", "outro") else "story"
            )
            self.story = Story(name, self.source, None, None) if self.kind == "story" else None
        elif not stripped:
            self.end_paragraph()
        elif comment:
            self.comment(number, comment.group(1))
        elif self.kind is None:
            self.fail(number, "text before the first heading (# Intro, # a story's headline, or # Outro)")
        elif escaped:
            self.lines.append(stripped[1:])
        elif match := PAUSE.match(stripped):
            self.end_paragraph()
            if not self.paragraphs:
                self.fail(number, "a pause mark must follow a paragraph")
            seconds = float(match.group(1)) / (1000 if match.group(2).lower() == "ms" else 1)
            if seconds > 60:
                self.fail(number, f"pause of {seconds:g} s is longer than a minute")
            self.paragraphs[-1] = replace(self.paragraphs[-1], pause_after=seconds)
        elif match := VOICE.match(stripped):
            self.end_paragraph()
            self.voice = match.group(1)
        elif match := DIRECTIVE.match(stripped):
            self.fail(number, f"unknown mark {stripped!r} (use [pause 1.5s] or [voice NAME])")
        elif re.search(r"\[(pause|voice)\b", stripped, re.I):
            self.fail(
                number, f"malformed mark in {stripped[:40]!r} (write [pause 1.5s] or [voice NAME] on a line of its own)"
            )
        else:
            self.lines.append(stripped)

    def comment(self, number: int, text: str) -> None:
        if self.story is None:
            return
        if match := DROPPED.match(text):
            self.story = replace(
                self.story, dropped=self.story.dropped + (DroppedBlock(match.group(1), match.group(2)),)
            )
            return
        name, _, value = text.partition(":")
        name, value = name.strip(), value.strip()
        if name == "published" and value:
            try:
                self.story = replace(self.story, published=dt.datetime.fromisoformat(value))
            except ValueError:
                self.fail(number, f"published must be a date and time such as 2026-11-24T07:30:00+00:00, not {value!r}")
        elif name == "url" and value and not is_web_address(value):
            self.fail(number, f"a story's url must be an http(s) address, not {value[:80]!r}")
        elif name in STORY_FIELDS and value:
            self.story = replace(self.story, **{name: value})


def parse_script(text: str, source: str) -> Draft:
    """A Draft from a Markdown script; a malformed script raises BriefingError naming the line."""
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BriefingError(f"{source} line {line}: a NUL character: this is not a text file")
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER:
        raise BriefingError(f"{source} line 1: a briefing script starts with {FRONT_MATTER} front matter")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER)
    except StopIteration:
        raise BriefingError(f"{source} line 1: the front matter is not closed with {FRONT_MATTER}") from None
    try:
        meta = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"line (\d+)", str(error))
        line = int(where.group(1)) + 1 if where else end  # "at end of document": the last front-matter line
        raise BriefingError(
            f"{source} line {line}: front matter: {re.sub(r' [(]at line .*', '', str(error))}"
        ) from None
    unknown = set(meta) - FRONT_MATTER_KEYS
    if unknown:
        raise BriefingError(
            f"{source} line 2: unknown front-matter key {sorted(unknown)[0]!r} "
            f"(known: {', '.join(sorted(FRONT_MATTER_KEYS))})"
        )
    for key in ("title", "show", "voice"):
        if key in meta and not isinstance(meta[key], str):
            raise BriefingError(f"{source} line 2: front matter: {key} must be text in quotes, not {meta[key]!r:.40}")
    if "sources" in meta and not (
        isinstance(meta["sources"], list) and all(isinstance(item, str) for item in meta["sources"])
    ):
        raise BriefingError(f"{source} line 2: front matter: sources must be a list of addresses in quotes")
    date = meta.get("date", dt.date.today())
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise BriefingError(f"{source} line 2: front matter: date must be a date such as 2026-11-24")

    reader = _Reader(source)
    for number, line in enumerate(lines[end + 1 :], start=end + 2):
        reader.line(number, line)
    reader.end_section(len(lines))
    if not any(section.kind == "story" for section in reader.sections):
        raise BriefingError(f"{source}: no stories (a story is a # heading other than Intro and Outro)")
    sections = tuple(reader.sections)
    title = str(meta.get("title") or next(s.story.title for s in sections if s.story))
    return Draft(
        title=title, show=str(meta.get("show", "Briefing")), date=date, sections=sections, voice=meta.get("voice")
    )


def read_script(path: str | Path, max_bytes: int) -> Draft:
    """The script at path, at most max_bytes (--max-input) of UTF-8."""
    data = read_file(Path(path), max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BriefingError(f"cannot read script {path}: {error}") from None
    return parse_script(text, str(path))


def _headline(title: str) -> str:
    """A story's headline as its heading: after a backslash when it would read as something else."""
    return (
        f"\\{title}" if title.lower() in ("intro", "outro") or title.endswith("#") or title.startswith("\\") else title
    )
