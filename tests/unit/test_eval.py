"""The script stage measured on the public evaluation sets in ../shared/eval (its README has the scoring).

A held-out half of each set is used to check that rules generalise; these thresholds are the floor.
scripts/eval prints the figures.
"""

from pathlib import Path

import pytest

from briefing.quality.evaluation import comparable_words, score_extraction, score_normalization, token_f1

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"
needs_eval = pytest.mark.skipif(not EVAL.is_dir(), reason=f"evaluation data not found at {EVAL}")


@needs_eval
def test_article_extraction_f1():
    score = score_extraction(EVAL / "article-extraction")
    print(f"article extraction: mean token F1 {score.mean_f1:.4f} over {score.pages} pages")
    assert score.pages > 50
    assert score.mean_f1 >= 0.98


@needs_eval
def test_text_normalization_wer():
    score = score_normalization(EVAL / "text-normalization" / "google-tn.jsonl")
    print(f"text normalisation: WER {score.wer:.4f}, exact {score.exact:.4f} over {score.lines} lines")
    assert score.lines > 1000
    assert score.wer <= 0.04  # compared strictly: every word, "and" included
    assert score.exact >= 0.85


def test_token_f1_follows_the_benchmark_definition():
    assert token_f1("The cat sat", "the cat sat") == 1.0
    assert token_f1("", "anything") == 0.0
    assert token_f1("a a b", "a b b") == pytest.approx(2 / 3)


def test_comparison_ignores_case_and_punctuation_and_counts_every_word():
    assert comparable_words("Fish and Chips, twenty-one!") == ["fish", "and", "chips", "twenty", "one"]
    assert comparable_words("Nitrogen 's density") == ["nitrogen", "s", "density"]
