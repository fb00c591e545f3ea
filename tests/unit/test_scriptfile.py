"""Editable scripts: the round trip gives the same audio plan; malformed scripts name the line."""

import datetime as dt
from pathlib import Path

import pytest

from briefing.errors import BriefingError
from briefing.ingest.sources import read_source
from briefing.model import Draft, Paragraph, Section, Story
from briefing.options import MakeOptions, WritingOptions
from briefing.pipeline import prepare, script_options, write_script
from briefing.script.compose import render
from briefing.script.scriptfile import parse_script, to_markdown
from briefing.tts.gtts import GTTSEngine

SAMPLE = str(Path(__file__).parents[2] / "examples" / "libya-intervention.txt")
OPTIONS = MakeOptions(writing=WritingOptions(date=dt.date(2026, 11, 24)))


class PiperLike:  # the parts of an engine that rendering reads
    max_chars, accepts_ipa, language = None, True, "en_US"


@pytest.mark.parametrize("engine", [PiperLike(), GTTSEngine()], ids=["piper", "gtts"])
def test_unedited_script_renders_the_same_plan_as_the_source(tmp_path, engine):
    path = tmp_path / "script.md"
    write_script([SAMPLE], OPTIONS, path)
    rendering = script_options(OPTIONS, [engine])
    direct = render(prepare([SAMPLE], OPTIONS).draft, rendering)
    from_file = render(prepare([str(path)], OPTIONS).draft, rendering)
    assert from_file.segments == direct.segments
    assert from_file.stories == direct.stories and from_file.title == direct.title and from_file.date == direct.date


def test_several_sources_round_trip(tmp_path):
    second = tmp_path / "second.txt"
    second.write_text("Oil exports resume\n\nTankers loaded at Ras Lanuf on Monday. (Photo: Reuters)\n\nPhoto: AP")
    path = tmp_path / "script.md"
    write_script([SAMPLE, str(second)], OPTIONS, path)
    text = path.read_text()
    assert (
        text.count("\n# ") == 4
        and "# Oil exports resume" in text
        and "<!-- dropped (photo-credit): Photo: AP -->" in text
    )
    rendering = script_options(OPTIONS, [PiperLike()])
    assert (
        render(prepare([str(path)], OPTIONS).draft, rendering).segments
        == render(prepare([SAMPLE, str(second)], OPTIONS).draft, rendering).segments
    )


def test_edits_are_read():
    markdown = """+++
title = "Edited"
show = "Desk"
date = 2026-01-02
+++

# Intro
Hello listeners.

# First story
<!-- source: https://example.org/a -->
<!-- outlet: Example News -->
One paragraph.
It goes on here.

[pause 2.5s]

[voice en-gb]
Another voice.

[pause 300ms]

# Outro
Bye.
"""
    plan = parse_script(markdown, "edited.md")
    assert (plan.title, plan.show, plan.date) == ("Edited", "Desk", dt.date(2026, 1, 2))
    story = plan.sections[1]
    assert story.story == Story("First story", "https://example.org/a", None, "Example News")
    assert story.paragraphs == (
        Paragraph("One paragraph. It goes on here.", 2.5),
        Paragraph("Another voice.", 0.3, "en-gb"),
    )
    segments = render(plan).segments
    assert [s.pause_after for s in segments if s.kind == "body"] == [0.3, 2.5, 0.3]
    assert [s.voice for s in segments if s.kind == "body"] == [None, None, "en-gb"]
    assert [s.spoken for s in segments if s.kind == "headline"] == ["First story.", "From Example News."]


def test_text_that_looks_like_markup_is_escaped():
    plan = Draft(
        "T",
        "S",
        dt.date(2026, 1, 1),
        (
            Section(
                "story",
                (Paragraph("# 1 seed won"), Paragraph("[pause 2s] is text"), Paragraph("<!-- not a comment -->")),
                Story("T", "s", None, None),
            ),
        ),
    )
    assert parse_script(to_markdown(plan), "x.md").sections == plan.sections


FRONT = '+++\ntitle = "T"\n+++\n'


@pytest.mark.parametrize(
    "title, heading",
    [
        ("Intro", "# \\Intro"),
        ("OUTRO", "# \\OUTRO"),
        ("Why C#", "# \\Why C#"),
        ("\\o/", "# \\\\o/"),
        ("Intro to budgets", "# Intro to budgets"),
    ],
)
def test_a_headline_that_would_read_as_something_else_is_written_word_for_word(title, heading):
    plan = Draft(
        title,
        "Show",
        dt.date(2026, 1, 1),
        (Section("story", (Paragraph("Text."),), Story(title, "s.txt", None, None)),),
    )
    markdown = to_markdown(plan)
    assert heading in markdown.splitlines()
    [section] = [section for section in parse_script(markdown, "x.md").sections]
    assert (section.kind, section.story.title) == ("story", title)


@pytest.mark.parametrize(
    "markdown, message",
    [
        ("# Story\nText\n", "line 1: a briefing script starts with +++"),
        ('+++\ntitle = "T"\n# Story\n', "line 1: the front matter is not closed"),
        ('+++\ntitle = "T\n+++\n# S\nText\n', "line 2: front matter"),
        ('+++\ntitel = "T"\n+++\n# S\nText\n', "unknown front-matter key 'titel'"),
        ('+++\ndate = "soon"\n+++\n# S\nText\n', "date must be a date"),
        (FRONT + "Text before any heading\n", "line 4: text before the first heading"),
        (FRONT + "# Story\n[pause 1s]\n", "line 5: a pause mark must follow a paragraph"),
        (FRONT + "# Story\nText\n[pause soon]\n", "line 6: unknown mark '[pause soon]'"),
        (FRONT + "# Story\nText\n[music on]\n", "line 6: unknown mark '[music on]'"),
        (FRONT + "# Story\nText [pause 2s] more\n", "line 5: malformed mark"),
        (FRONT + "# Story\nText\n[pause 90s]\n", "line 6: pause of 90 s is longer than a minute"),
        (FRONT + "# Story\n\n# Outro\nBye\n", "line 6: section '# Story' has no paragraphs"),
        (FRONT + "# Intro\nHello\n", "no stories"),
    ],
)
def test_malformed_scripts_name_the_line(markdown, message):
    with pytest.raises(BriefingError, match=message.replace("[", r"\[").replace("+", r"\+")):
        parse_script(markdown, "bad.md")


def test_a_script_is_rendered_on_its_own(tmp_path):
    path = tmp_path / "s.md"
    write_script([SAMPLE], OPTIONS, path)
    with pytest.raises(BriefingError, match="rendered on its own"):
        prepare([str(path), SAMPLE], OPTIONS)


def test_markdown_articles_are_not_scripts(tmp_path):
    article = tmp_path / "article.md"
    article.write_text("# A Markdown article\n\nSome text.")
    assert read_source(str(article)).title == "A Markdown article"
    assert prepare([str(article)], OPTIONS).draft.sections[1].story.title == "A Markdown article"
