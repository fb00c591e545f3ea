"""Property tests (hypothesis): the text rules never raise on any Unicode input, lose or duplicate
nothing except what a named cleaning rule removed, and chunks never exceed an engine's limit."""

import datetime as dt
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.errors import BriefingError
from briefing.model import Draft, Paragraph, Section, Story
from briefing.script.cleaning import clean
from briefing.script.compose import speak_sentence, split_sentences
from briefing.script.scriptfile import parse_script, to_markdown
from briefing.script.speech import normalize

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text that looks like news: words, numbers, dates, money, abbreviations, punctuation, any Unicode.
newsy = st.lists(
    st.one_of(
        st.text(min_size=1, max_size=12),
        st.sampled_from(
            [
                "U.S.",
                "Gen.",
                "No.",
                "$4.5",
                "billion",
                "5,000",
                "3rd",
                "1990s",
                "12/03/2016",
                "3:30",
                "p.m.",
                "—",
                "(",
                ")",
                "&",
                "%",
                "#",
                "@",
                "XIV",
                "World War II",
                "F-16",
                "COVID-19",
                "May",
                "26,",
                "2004",
                "St.",
                "Mr",
                "e.g.",
                "http://example.org/a?b=1",
                "a@b.org",
                "½",
                "–",
                "'80s",
                "km",
                "°C",
            ]
        ),
        st.from_regex(r"[A-Za-z]{1,10}[.,;:!?]?", fullmatch=True),
        st.integers(min_value=-(10**12), max_value=10**12).map(str),
    ),
    max_size=30,
).map(" ".join)


@SETTINGS
@given(newsy)
def test_normalize_never_raises(text):
    assert isinstance(normalize(text), str)


@SETTINGS
@given(st.lists(newsy, max_size=8))
def test_cleaning_loses_and_duplicates_nothing(blocks):
    kept, dropped = clean(blocks)
    assert sorted(kept + tuple(d.text for d in dropped)) == sorted(blocks)
    assert [b for b in blocks if b in kept] == list(kept)  # order kept


@SETTINGS
@given(newsy)
def test_sentence_splitting_keeps_every_character(paragraph):
    sentences = split_sentences(paragraph)
    assert re.sub(r"\s", "", "".join(sentences)) == re.sub(r"\s", "", paragraph)


@SETTINGS
@given(newsy, st.integers(min_value=20, max_value=200))
def test_chunks_fit_the_limit_and_keep_every_word(sentence, limit):
    pieces = speak_sentence(sentence, limit)
    assert all(len(spoken) <= limit for _, spoken in pieces)
    assert "".join(spoken for _, spoken in pieces).replace(" ", "") == normalize(sentence).replace(" ", "")


@SETTINGS
@given(  # any text a text file holds: a NUL makes it no text file, and the script is refused (test_bad_input)
    st.lists(st.text(min_size=1, max_size=60).filter(lambda t: t.strip() and "\x00" not in t), min_size=1, max_size=5),
    st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and not set(t) & {"\n", "\r", "\x00"}),
)
def test_script_files_round_trip_any_text(paragraphs, title):
    texts = [" ".join(p.split()) for p in paragraphs]
    title = " ".join(title.split())
    story = Story(title, "source.txt", None, None)
    plan = Draft(title, "Show", dt.date(2026, 1, 1), (Section("story", tuple(Paragraph(t) for t in texts), story),))
    read = parse_script(to_markdown(plan), "x.md")
    assert [p.text for p in read.sections[0].paragraphs] == texts
    assert read.sections[0].kind == "story" and read.sections[0].story.title == title


# Hostile text: long runs of the characters regular expressions backtrack on, mixed with words.
RUN_CHARACTERS = list("[]()<>_*`\"'“”#.,:;-—/\\$%&@ \n\t1") + ["A.", "a@", "1,", "_a ", "[a](", "http://", "www."]
adversarial = st.lists(
    st.tuples(st.sampled_from(RUN_CHARACTERS), st.integers(min_value=1, max_value=4000)), min_size=1, max_size=6
).map(lambda runs: "".join(piece * count for piece, count in runs))


def text_rules():
    from briefing.ingest.sources import looks_like_headline, markdown_to_text, parse_text, split_blocks
    from briefing.script.lexicon import default_lexicon
    from briefing.script.speech import NORMALIZERS

    lexicon = default_lexicon().rule(ipa=True)
    rules = [
        ("markdown", markdown_to_text),
        ("blocks", split_blocks),
        ("headline", looks_like_headline),
        ("plain text", lambda text: parse_text(text + "\nx", "hostile.txt")),
        ("cleaning", lambda text: clean([text])),
        ("sentences", split_sentences),
        ("pieces", lambda text: speak_sentence(text, 300)),
        ("lexicon", lexicon),
        *((rule.__name__, rule) for rule in NORMALIZERS),
    ]
    for _, rule in rules:  # loading and compiling happen once, on first use: not what is measured here
        rule("Warm up, 1 [a](b) _c_.")
    return rules


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(adversarial)
def test_no_text_rule_takes_more_than_a_second_on_hostile_text(text):
    import time

    for name, rule in text_rules():
        started = time.process_time()
        rule(text)
        assert time.process_time() - started < 1.0, (
            f"{name} took {time.process_time() - started:.2f} s on {text[:80]!r}..."
        )


@SETTINGS
@given(st.text(max_size=400))
def test_the_script_reader_refuses_any_text_in_one_line_or_reads_it(text):
    """Whatever a script file holds, reading it gives a draft or one BriefingError, never another error."""
    for candidate in (text, "+++\n" + text, '+++\ntitle = "T"\n+++\n' + text):
        try:
            parse_script(candidate, "x.md")
        except BriefingError as error:
            assert str(error).startswith("x.md")  # says which file, and (at the CLI) is one line


@SETTINGS
@given(
    st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=40),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.sampled_from(["url", "title", "text", "x"]), inner, max_size=4)
            ),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
    )
)
def test_the_api_refuses_any_body_with_a_status_or_queues_it(body):
    """Any request body: a job queued, or Refused with a 4xx status; never another error."""
    from briefing.service import api

    class Queue:
        def submit(self, **fields):
            return fields, True

    try:
        api.submit(api.json_object(body), Queue(), allow_private=False)
    except api.Refused as refusal:
        assert 400 <= refusal.status < 500
