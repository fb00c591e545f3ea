import datetime as dt
from pathlib import Path

import pytest

from briefing.ingest.sources import read_source
from briefing.model import Article
from briefing.script.compose import (
    ScriptOptions,
    draft,
    is_quotation,
    render,
    speak_sentence,
    split_clauses,
    split_sentences,
    split_words,
    voice_parts,
    written_date,
)

SAMPLE = Path(__file__).parents[2] / "examples" / "libya-intervention.txt"
NEWSLETTER = [
    "Subscribe to our newsletter",
    "Your weekly briefing of progressive news.",
    "You have Successfully Subscribed!",
]


@pytest.mark.parametrize(
    "paragraph, sentences",
    [
        (
            "An ISIS militia, bombarded in a U.S. air raid, stormed a station. It fell.",
            ["An ISIS militia, bombarded in a U.S. air raid, stormed a station.", "It fell."],
        ),
        ("Gen. Haftar spoke. He left.", ["Gen. Haftar spoke.", "He left."]),
        ("He went to No. 10 on Tuesday. Then home.", ["He went to No. 10 on Tuesday.", "Then home."]),
        (
            "Was it a boycott? According to half, no: they were intimidated.",
            ["Was it a boycott?", "According to half, no: they were intimidated."],
        ),
        (
            "The fire started at 1119 Eighth St., after midnight. Two died.",
            ["The fire started at 1119 Eighth St., after midnight.", "Two died."],
        ),
        (
            "The hearing starts at 9 a.m. ET to allow travel. It ends late.",
            ["The hearing starts at 9 a.m. ET to allow travel.", "It ends late."],
        ),
        (
            "See vol. 3 for details. It was good. iPhones sold.",
            ["See vol. 3 for details.", "It was good.", "iPhones sold."],
        ),
        ('"We will ship more," he said. " Then he left.', ['"We will ship more," he said."', "Then he left."]),
    ],
)
def test_split_sentences(paragraph, sentences):
    assert split_sentences(paragraph) == sentences


@pytest.mark.parametrize(
    "sentence, clauses",
    [
        ("One, two; three: four", ["One,", "two;", "three:", "four"]),
        (
            "Haftar and — according to Le Monde — French troops",
            ["Haftar and", "— according to Le Monde", "— French troops"],
        ),
        ("5,000 soldiers (and 1,200 more) left", ["5,000 soldiers", "(and 1,200 more)", "left"]),
    ],
)
def test_split_clauses_never_inside_a_number(sentence, clauses):
    assert split_clauses(sentence) == clauses


def build_script(articles, options=None):
    """The spoken briefing for articles: draft, then render, as the pipeline does."""
    options = options or ScriptOptions()
    return render(draft(articles, options), options)


def test_split_words_balances_and_respects_the_limit():
    text = "Le Monde has revealed that French commandos took part in clashes against ISIS in Benghazi and Sabratha."
    pieces = split_words(text, 100)
    assert " ".join(pieces) == text and len(pieces) == 2 and all(len(p) <= 100 for p in pieces)
    assert min(len(p) for p in pieces) > 30


def test_sample_script_keeps_every_paragraph_and_no_newsletter_lines():
    article = read_source(str(SAMPLE))
    script = build_script([article], ScriptOptions(date=dt.date(2026, 11, 24)))
    spoken = script.spoken_text()
    for line in NEWSLETTER:
        assert line not in spoken
    assert [d.rule for d in script.stories[0].dropped] == [
        "newsletter-prompt",
        "newsletter-prompt",
        "subscription-confirmation",
    ]
    written = " ".join(s.text for s in script.segments)
    for paragraph in SAMPLE.read_text().split("\n\n"):
        if paragraph.strip() and paragraph.strip() not in NEWSLETTER and paragraph.strip() != article.title:
            assert paragraph.strip() in written
    assert "five thousand soldiers" in spoken
    assert "one hundred of one hundred seventy-six" in spoken
    assert "U S air raid" in spoken and "U.S." not in spoken
    assert script.segments[0].kind == "intro"
    assert "Tuesday, November twenty-fourth twenty twenty-six" in script.segments[0].spoken
    assert script.segments[1].spoken == "Intervention in Libya has already begun."
    assert script.segments[-1].kind == "outro"


def test_pauses_between_sentences_paragraphs_and_sections():
    article = Article("Title", ("One. Two.", "Three."), "test")
    options = ScriptOptions(date=dt.date(2026, 1, 1))
    script = build_script([article], options)
    body = [s for s in script.segments if s.kind == "body"]
    assert [s.pause_after for s in body] == [options.sentence_pause, options.paragraph_pause, options.section_pause]
    assert script.segments[0].pause_after == options.section_pause


def test_chunks_fit_the_engine_limit_and_keep_every_word():
    article = read_source(str(SAMPLE))
    script = build_script([article], ScriptOptions(max_chars=100))
    assert all(0 < len(s.spoken) <= 100 for s in script.segments)
    whole = build_script([article], ScriptOptions())
    assert " ".join(s.spoken for s in script.segments).split() == " ".join(s.spoken for s in whole.segments).split()


def test_several_articles_get_transitions():
    articles = [Article(f"Story {n}", (f"Body {n}.",), f"s{n}") for n in (1, 2, 3)]
    script = build_script(articles, ScriptOptions(date=dt.date(2026, 1, 1)))
    headlines = [s.spoken for s in script.segments if s.kind == "headline"]
    assert headlines == ["First: Story one.", "Next: Story two.", "Finally: Story three."]
    assert [s.story for s in script.segments if s.kind == "body"] == [0, 1, 2]


def test_written_date_reads_well():
    from briefing.script.speech import normalize

    assert written_date(dt.date(2026, 11, 24)) == "Tuesday, November 24, 2026"
    assert normalize(written_date(dt.date(2026, 11, 24))) == "Tuesday, November twenty-fourth twenty twenty-six"


@pytest.mark.parametrize(
    "sentence, quoted",
    [
        ('"We will not stand by," he said.', True),
        ("“We will not stand by while the libraries close,” the mayor said on Tuesday.", True),
        ('He called the vote "a farce" and left.', False),
        ("The council met on Tuesday.", False),
        ("«Nous resterons», a-t-il dit.", True),
        ("", False),
    ],
)
def test_is_quotation(sentence, quoted):
    assert is_quotation(sentence) is quoted


@pytest.mark.parametrize(
    "sentence, parts",
    [
        ('"We will not stand by," he said.', [('"We will not stand by,"', "B"), ("he said.", None)]),
        ("The mayor said: “We will not stand by.”", [("The mayor said:", None), ("“We will not stand by.”", "B")]),
        ("“Enough,” she said, “is enough.”", [("“Enough,”", "B"), ("she said,", None), ("“is enough.”", "B")]),
        ('"All of it is quoted."', [('"All of it is quoted."', "B")]),
    ],
)
def test_voice_parts(sentence, parts):
    assert voice_parts(sentence, "B") == parts


def test_a_second_voice_takes_the_frame_and_quotations():

    article = Article("Budget agreed", ('The council met. "We will not stand by," he said.',), "a.txt")
    script = build_script([article], ScriptOptions(second_voice="alan"))
    voices = {(segment.kind, segment.text): segment.voice for segment in script.segments}
    assert {voice for (kind, _), voice in voices.items() if kind in ("intro", "headline", "outro")} == {"alan"}
    assert voices[("body", "The council met.")] is None
    assert voices[("body", '"We will not stand by,"')] == "alan" and voices[("body", "he said.")] is None


def test_a_long_paragraph_is_split_in_linear_time_and_run_on_text_is_let_go_in_bounded_pieces():
    import time

    from briefing.script.compose import SENTENCE_WINDOW, split_sentences

    prose = " ".join(f"The council met on day {n} and agreed the budget with Gen. Smith." for n in range(2000))
    started = time.process_time()
    sentences = split_sentences(prose)
    assert len(sentences) == 2000 and sentences[1] == "The council met on day 1 and agreed the budget with Gen. Smith."
    run_on = " ".join(["and the council met"] * 5000)
    pieces = split_sentences(run_on)
    assert " ".join(pieces) == run_on and max(map(len, pieces)) <= 2 * SENTENCE_WINDOW
    assert time.process_time() - started < 30  # was minutes: pysbd's abbreviation pass is quadratic in its input


def test_every_engine_has_an_utterance_limit_and_long_sentences_are_cut_within_it(piper_engine):
    from briefing.script.compose import speak_sentence

    assert piper_engine.max_chars and piper_engine.max_chars <= 400
    sentence = (
        "The council, which met on Tuesday, agreed " + ", and ".join(f"item {n} of the plan" for n in range(60)) + "."
    )
    pieces = speak_sentence(sentence, piper_engine.max_chars)
    assert len(pieces) > 1 and all(len(spoken) <= piper_engine.max_chars for _, spoken in pieces)
    assert pieces[0][0] == sentence and all(written == "" for written, _ in pieces[1:])
    giant_word = "x" * 30_000
    assert all(
        len(spoken) <= piper_engine.max_chars for _, spoken in speak_sentence(giant_word, piper_engine.max_chars)
    )


@pytest.mark.parametrize("body", ["!!! ??? ... ---", "🙂 🎉 🙂", "\u200b\u200b \u200b", "* * *\n\n— — —"])
def test_a_source_with_nothing_to_say_is_refused(body):
    from briefing.errors import BriefingError
    from briefing.model import Article
    from briefing.script.compose import draft

    with pytest.raises(BriefingError, match="nothing to say"):
        draft([Article(title="🙂", paragraphs=tuple(body.split("\n\n")), source="emoji.txt")])


def test_a_paragraph_repeating_the_headline_is_read_once():
    article = Article(
        "Oil exports resume", ("Oil exports resume.", "Tankers loaded at Ras Lanuf on Monday."), "oil.txt"
    )
    script = build_script([article], ScriptOptions(date=dt.date(2026, 11, 24)))
    assert [segment.text for segment in script.segments if segment.story == 0] == [
        "Oil exports resume.",
        "Tankers loaded at Ras Lanuf on Monday.",
    ]  # the headline, then the body
    assert [block.rule for block in script.stories[0].dropped] == ["headline-repeated"]


@pytest.mark.parametrize(
    "language, style",
    [
        ("en_US", "american"),
        ("en_GB", "british"),
        ("en-gb", "british"),
        ("en-gb-scotland", "british"),
        ("en-co.uk", "british"),
        ("en-com", "american"),
        ("en-com.au", "british"),
        ("en-us", "american"),
        ("fr_FR", "american"),
    ],
)
def test_the_reading_style_follows_the_voice(language, style):
    from briefing.script.speech import style_for

    assert style_for(language) == style


def test_spoken_prints_what_the_voice_will_say(tmp_path):
    from conftest import runner

    from briefing.cli import main

    source = tmp_path / "budget.txt"
    source.write_text(
        "Budget passes\n\nPARIS (Reuters) - The $17 Million fund passed 52-48 on 15 May. It took 24/7 work.\n"
    )
    american = runner().invoke(main, ["script", str(source), "--spoken"])
    british = runner().invoke(main, ["script", str(source), "--spoken", "--style", "british"])
    assert american.exit_code == 0 and british.exit_code == 0, (american, british)
    lines = american.stdout.splitlines()
    assert lines[1:4] == [
        "Budget passes.",
        "Paris, Reuters, The seventeen million dollars fund passed fifty-two to forty-eight on the fifteenth of May.",
        "It took twenty-four seven work.",
    ]
    assert "That was Briefing" in lines[-2]
    assert british.stdout.splitlines()[2] == lines[2]  # the same words: no number here takes a British "and"


def test_kept_sentences_and_pieces_are_handed_out_as_new_lists():
    # Both are kept for the process (a time budget renders a draft again and again): a caller
    # changing what it was given must not change what the next caller gets.
    paragraph = "Gen. Haftar spoke on Monday. The U.S. air raid followed."
    first = split_sentences(paragraph)
    first.append("changed")
    assert split_sentences(paragraph) == ["Gen. Haftar spoke on Monday.", "The U.S. air raid followed."]
    pieces = speak_sentence("It cost $5.", 300)
    pieces.clear()
    assert speak_sentence("It cost $5.", 300) == [("It cost $5.", "It cost five dollars.")]


@pytest.mark.parametrize(
    ("show", "said"),
    [
        ("Morning Desk", "Morning Desk"),
        ("בוקר טוב", "your briefing"),
        ("🎙️📰", "your briefing"),
        ("Desk 北京", "Desk 北京"),
    ],
)
def test_a_show_name_an_english_voice_cannot_say_is_your_briefing_in_the_intro_and_outro(show, said):
    from briefing.script.compose import spoken_show

    assert spoken_show(show) == said
