"""How an episode is cut into pieces (encoded apart, joined in pauses), and the order its
segments are best spoken in."""

import pytest

from briefing.audio import pieces
from briefing.model import Segment


@pytest.fixture(autouse=True)
def sizes(monkeypatch):
    """The tables are written for pieces of 400 characters at least and an opening of 900."""
    monkeypatch.setattr(pieces, "PIECE_CHARACTERS", 400)
    monkeypatch.setattr(pieces, "OPENING_CHARACTERS", 900)


def script(*lines: str) -> list[Segment]:
    """Segments from lines "kind paragraph characters pause", e.g. "body 1 250 0.6"."""
    made = []
    for line in lines:
        kind, paragraph, characters, pause = line.split()
        made.append(Segment(kind, "x", "x" * int(characters), float(pause), story=0, paragraph=int(paragraph)))
    return made


@pytest.mark.parametrize(
    "lines, expected",
    [
        # A paragraph of 400 characters or more ends a piece, at its last sentence's pause.
        (
            ["body 0 250 0.3", "body 0 200 0.6", "body 1 300 0.3", "body 1 150 0.6", "outro 0 60 0"],
            [(0, 2), (2, 4), (4, 5)],
        ),
        # Never inside a paragraph, however long it runs.
        (["body 0 300 0.3", "body 0 300 0.3", "body 0 300 0.6", "outro 0 60 0"], [(0, 3), (3, 4)]),
        # Too short: the paragraph's piece goes on into the next.
        (["body 0 150 0.6", "body 1 150 0.6", "body 2 150 0.6", "outro 0 60 0"], [(0, 3), (3, 4)]),
        # A pause too short to join in (under 0.3 s) carries the piece on.
        (["body 0 450 0.2", "body 1 450 0.6", "outro 0 60 0"], [(0, 2), (2, 3)]),
        # The outro is a piece of its own, however short what comes before it.
        (["intro 0 80 0.6", "outro 0 60 0"], [(0, 1), (1, 2)]),
        # Nothing after: one piece.
        (["body 0 100 0"], [(0, 1)]),
    ],
)
def test_plan(lines, expected):
    assert [(piece.start, piece.stop) for piece in pieces.plan(script(*lines))] == expected


@pytest.mark.parametrize(
    "characters, expected",
    [
        ([450, 450, 450, 60], 2),  # the first pieces holding 900 characters
        ([950, 450, 60], 1),
        ([300, 60], 2),  # a short briefing: the whole
    ],
)
def test_opening(characters, expected):
    lines = [f"body {number} {count} 0.6" for number, count in enumerate(characters[:-1])] + [
        f"outro 0 {characters[-1]} 0"
    ]
    segments = script(*lines)
    assert pieces.opening(segments, pieces.plan(segments)) == expected


def test_segments_are_spoken_piece_after_piece_and_longest_first_in_each():
    segments = script(
        "body 0 100 0.3",
        "body 0 300 0.3",
        "body 0 200 0.6",
        "body 1 50 0.3",
        "body 1 400 0.6",
        "outro 0 20 0.3",
        "outro 0 60 0",
    )
    mastering = pieces.PieceMaster(segments, 22050, lambda: None)
    try:
        assert [(piece.start, piece.stop) for piece in mastering.pieces] == [(0, 3), (3, 5), (5, 7)]
        assert mastering.speaking_order() == [1, 2, 0, 4, 3, 6, 5]
    finally:
        mastering.abort()
