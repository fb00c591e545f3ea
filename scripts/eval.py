"""Score extraction and normalisation on the public evaluation sets (../shared/eval by default)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from briefing.evaluation import score_extraction, score_normalization

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--misses", type=int, default=0, help="show this many normalisation lines that differ")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()

    extraction = score_extraction(args.eval_dir / "article-extraction")
    normalization = score_normalization(args.eval_dir / "text-normalization" / "google-tn.jsonl")
    print(f"article extraction   mean token F1 {extraction.mean_f1:.4f}  ({extraction.pages} pages)")
    print(f"text normalisation   WER {normalization.wer:.4f}  exact {normalization.exact:.4f}  "
          f"({normalization.lines} lines, {normalization.lines_per_second:,.0f} lines/s)")
    for written, expected, got in normalization.misses[: args.misses]:
        print(f"\n  written:  {written}\n  expected: {expected}\n  got:      {got}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "extraction_mean_f1": round(extraction.mean_f1, 4), "extraction_pages": extraction.pages,
            "normalization_wer": round(normalization.wer, 4), "normalization_exact": round(normalization.exact, 4),
            "normalization_lines_per_second": round(normalization.lines_per_second),
        }, indent=2) + "\n")


if __name__ == "__main__":
    main()
