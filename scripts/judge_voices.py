"""Judge the fast voice against the voice it is made from: the same briefings rendered by each, with
the voices' random variation off so both say the same thing the same way, then

- word error: Whisper (tiny.en, what `briefing check` uses) transcribes each, and its words are
  compared with the script's (the same comparison as `briefing check`), for each voice with its
  variation off and, as a listener hears it, on;
- distortion: mel-cepstral distortion (dB) of the fast voice's audio against the full voice's,
  frame by frame after aligning the two with dynamic time warping (librosa's MFCCs, c0 left out,
  as MCD is usually taken); beside it, the same measure between two renders of the full voice
  with its variation on, as a user hears it (each time a little different): the scale of
  "small".

Briefings: English pages of the extraction set in ../shared/eval (each voiced as its own briefing,
condensed to --minutes), and the numbers-heavy examples in examples/numbers. Prints a table and
the rule the default voice follows: the fast voice is the default only if its word error as a
listener hears it (variation on) is within 3% (relative) of the full voice's, and the distortion
is small (below the full voice's own from render to render).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import librosa
import numpy
from bench import english_pages  # scripts/ is this script's folder, first on sys.path

from briefing.ffmpeg import ffmpeg_exe
from briefing.options import MakeOptions
from briefing.pipeline import make
from briefing.quality.check import Recogniser, check

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_RATE = 22050


def samples(audio: Path) -> numpy.ndarray:
    pcm = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(audio), "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "f32le", "pipe:1"],
        capture_output=True,
        check=True,
    ).stdout
    return numpy.frombuffer(pcm, dtype=numpy.float32)


def mel_cepstral_distortion(reference: Path, other: Path) -> float:
    """Mean MCD in dB over the DTW path between two renders of the same words. librosa's MFCCs are
    the DCT of 10 log10 of mel power, 20/ln 10 times the natural-log amplitude cepstrum MCD is
    defined on: (10 / ln 10) sqrt(2 sum (dc)^2) over natural-log cepstra."""
    cepstra = [
        librosa.feature.mfcc(y=samples(audio), sr=SAMPLE_RATE, n_mfcc=25, n_fft=1024, hop_length=256)[1:]
        for audio in (reference, other)
    ]
    _, path = librosa.sequence.dtw(X=cepstra[0], Y=cepstra[1], metric="euclidean")
    differences = cepstra[0][:, path[:, 0]] - cepstra[1][:, path[:, 1]]
    differences *= numpy.log(10) / 20
    return float(numpy.mean((10 / numpy.log(10)) * numpy.sqrt(2 * numpy.sum(differences**2, axis=0))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=6, help="pages of the extraction set (default 6)")
    parser.add_argument("--minutes", type=float, default=1.5, help="each briefing condensed to this (default 1.5)")
    parser.add_argument(
        "--renders", type=int, default=1, help="renders of each voice with its variation on, averaged (default 1)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    recogniser = Recogniser()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        sources = []
        for name, html in english_pages(args.pages):
            page = work / f"{name}.html"
            page.write_bytes(html)
            sources.append(page)
        sources += sorted((ROOT / "examples" / "numbers").glob("*.txt"))
        for source in sources:
            row = {"briefing": source.stem}
            audio = {}
            renders = [("joe", False, 0), ("joe-int8", False, 0)] + [
                (voice, True, render) for render in range(args.renders) for voice in ("joe varied", "joe-int8 varied")
            ]
            for voice, variation, render in renders:
                options = MakeOptions(output_dir=work / voice / str(render) / source.stem)
                engines = options.voice.engines
                options = replace(
                    options,
                    cache=replace(options.cache, enabled=False),
                    writing=replace(options.writing, minutes=args.minutes),
                    voice=replace(
                        options.voice,
                        settings=replace(options.voice.settings, voice=voice.split()[0]),
                        engines=replace(engines, piper=replace(engines.piper, variation=variation)),
                    ),
                )
                episode = make([str(source)], options)
                audio.setdefault(voice, Path(episode.audio))
                row[f"{voice} seconds"] = episode.duration
                heard = check(episode.audio, recogniser).wer
                row.setdefault(f"{voice} word errors", []).append(heard)
                row[f"{voice} word error"] = float(numpy.mean(row[f"{voice} word errors"]))
            row["mcd dB"] = mel_cepstral_distortion(audio["joe"], audio["joe-int8"])
            row["own mcd dB"] = mel_cepstral_distortion(audio["joe"], audio["joe varied"])
            rows.append(row)
            print(
                f"{row['briefing'][:28]:28} {row['joe seconds']:6.1f} s  WER joe {row['joe word error']:.3f}  "
                f"joe-int8 {row['joe-int8 word error']:.3f}  varied: joe {row['joe varied word error']:.3f} "
                f"joe-int8 {row['joe-int8 varied word error']:.3f}  "
                f"MCD {row['mcd dB']:.2f} dB (two renders of joe: {row['own mcd dB']:.2f})",
                flush=True,
            )
    voices = ("joe", "joe-int8", "joe varied", "joe-int8 varied")
    words = {voice: numpy.mean([row[f"{voice} word error"] for row in rows]) for voice in voices}
    mcd = numpy.mean([row["mcd dB"] for row in rows])
    own = numpy.mean([row["own mcd dB"] for row in rows])
    by_render = {  # each render's mean over the briefings: how much the word error moves from render to render
        voice: [
            float(numpy.mean([row[f"{voice} word errors"][render] for row in rows])) for render in range(args.renders)
        ]
        for voice in ("joe varied", "joe-int8 varied")
    }
    heard = words["joe varied"]
    relative = (words["joe-int8 varied"] - heard) / heard if heard else float("inf")
    print(
        f"{len(rows)} briefings, Whisper {recogniser.name}: word error, variation off: joe {words['joe']:.4f}, "
        f"joe-int8 {words['joe-int8']:.4f}; on: joe {words['joe varied']:.4f}, joe-int8 "
        f"{words['joe-int8 varied']:.4f}; joe-int8 as heard {relative:+.1%} relative (within 3%: "
        f"{relative <= 0.03}); mean MCD {mcd:.2f} dB (two renders of joe: {own:.2f} dB)"
    )
    if args.renders > 1:
        print(
            "each render's word error as heard: "
            + "; ".join(f"{v}: " + ", ".join(f"{w:.4f}" for w in by_render[v]) for v in by_render)
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"rows": rows, "relative": relative, "mcd": mcd, "own_mcd": own, "by_render": by_render}, indent=2
            )
            + "\n"
        )


if __name__ == "__main__":
    sys.exit(main())
