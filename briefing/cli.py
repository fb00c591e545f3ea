"""The `briefing` command: parses options and calls the library; nothing else lives here."""

from __future__ import annotations

import functools
import math
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import interrupts
from .audio.formats import DEFAULT_FORMAT, format_names
from .audio.master import MasterOptions
from .batch import DEFAULT_CONCURRENCY as BATCH_CONCURRENCY
from .cache import SegmentCache
from .cache import default_folder as default_cache_folder
from .config import load_config
from .dryrun import dry_run as plan_only
from .errors import BriefingError
from .ingest.sources import FetchLimits
from .options import (
    CacheOptions,
    MakeOptions,
    VoiceOptions,
    default,
    engine_settings,
    make_options,
    master_options,
    show,
    size_text,
)
from .pipeline import explain, make, preview, spoken_script, write_script
from .pipeline import verify as make_and_verify
from .publish import podcast as publish
from .publish.layout import FEED
from .quality.check import DEFAULT_THRESHOLD as CHECK_THRESHOLD
from .quality.check import Recogniser, check
from .script.speech import STYLES
from .tts import DEFAULT_ENGINE, MAX_RATE, MIN_RATE, EngineSettings, engine_class, list_voices


@contextmanager
def user_errors():
    """Turn the errors a user can fix into one line on stderr and exit status 2."""
    try:
        yield
    except BriefingError as error:
        if interrupts.stopping():
            interrupts.leave()
        click.echo(f"briefing: error: {one_line(str(error))}", err=True)
        sys.exit(2)


def one_line(message: str, most: int = 400) -> str:
    """A message as one line of at most `most` characters (a hostile URL or name can be megabytes)."""
    line = " ".join(message.split())
    return line if len(line) <= most else line[: most - 1] + "…"


NO_ARGUMENTS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


class Commands(click.Group):
    """The command group: a wrong option is one line and exit 2 (click prints usage on four), and
    Ctrl-C (or SIGTERM) in any command is one line and exit 130 (143)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            returned = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NO_ARGUMENTS_IS_HELP as error:  # `briefing` alone (click 8.2 and later): the help, as before
            click.echo(error.ctx.get_help())
            sys.exit(0)
        except click.ClickException as error:
            hint = f" (see '{error.ctx.command_path} --help')" if getattr(error, "ctx", None) else ""
            click.echo(f"briefing: error: {' '.join(error.format_message().split())}{hint}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:  # click turns Ctrl-C at one of its prompts into Abort
            interrupts.leave()
        sys.exit(returned if isinstance(returned, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            interrupts.leave()
        except Exception:
            if interrupts.stopping():  # e.g. Ctrl-C while ONNX Runtime imported numpy: an ImportError
                interrupts.leave()
            raise


class Finite(click.FloatRange):
    """A number within bounds, and a real one: click's FloatRange lets nan through (it fails no
    comparison) and inf when a side is open."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


@contextmanager
def synthesis_progress(quiet: bool):
    """A rich progress bar on stderr, fed by make's progress callback; none when quiet or not on a terminal."""
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description:<13}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("reading", total=None)
        yield lambda stage, done, total: bar.update(task, description=stage, completed=done, total=total)


def script_settings(command):
    """Options shared by `make`, `script` and `batch`: what the sources are and how they are cleaned
    and read. The command receives them as `chosen` (None where not given) and the loaded `config`."""

    @click.argument("sources", nargs=-1)
    @click.option(
        "--from-feed",
        "feeds",
        multiple=True,
        metavar="FEED",
        help="An RSS, Atom or OPML file or URL whose entries are stories too; repeatable.",
    )
    @click.option(
        "--limit", type=click.IntRange(1, 10_000), help="At most this many stories from the feeds (default 40)."
    )
    @click.option("--since", metavar="AGE", help="Only feed entries at most this old: 24h, 90m, 2d, 1w.")
    @click.option("--include-seen", is_flag=True, help="Also feed stories briefed on earlier runs.")
    @click.option(
        "--max-input",
        help="Largest article file, input or download accepted "
        f"(default {size_text(default(FetchLimits, 'max_bytes'))}).",
    )
    @click.option(
        "--timeout",
        type=Finite(1, 3600),
        help="Seconds allowed for downloading each web page or feed, whole "
        f"(default {default(FetchLimits, 'timeout'):g}).",
    )
    @click.option(
        "--show", "show_title", help="Show name, spoken in the intro and tagged (default: [show] title, or Briefing)."
    )
    @click.option(
        "--keep-rule",
        "keep_rules",
        multiple=True,
        metavar="RULE",
        help="Do not apply this cleaning rule (see --explain); repeatable.",
    )
    @click.option(
        "--drop-rule",
        "drop_patterns",
        multiple=True,
        metavar="REGEX",
        help="Also drop blocks matching this regular expression; repeatable.",
    )
    @click.option(
        "--lexicon", type=click.Path(path_type=Path), help="Pronunciation lexicon (TOML) added to the built-in one."
    )
    @click.option(
        "--day-first/--month-first",
        default=None,
        help="Read 12/03/2016 as the 12th of March, or as December 3rd (default: month first).",
    )
    @click.option(
        "--style",
        type=click.Choice(STYLES),
        help="Read numbers and spell the American or British way (default: [speech] style, or the voice's).",
    )
    @click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        help="Settings file (default: ./briefing.toml, else the user config folder's).",
    )
    @functools.wraps(command)
    def wrapper(
        *args,
        config_path,
        show_title,
        keep_rules,
        drop_patterns,
        lexicon,
        day_first,
        style,
        feeds,
        limit,
        since,
        include_seen,
        max_input,
        timeout,
        **kwargs,
    ):
        with user_errors():
            config = load_config(config_path)
        chosen = dict(
            show_title=show_title,
            keep_rules=keep_rules,
            drop_patterns=drop_patterns,
            lexicon=lexicon,
            day_first=day_first,
            style=style,
            feeds=feeds,
            limit=limit,
            since=since,
            include_seen=include_seen,
            max_input=max_input,
            timeout=timeout,
        )
        return command(*args, chosen=chosen, config=config, **kwargs)

    return wrapper


@click.group(cls=Commands)
@click.version_option(package_name="briefing")
def main() -> None:
    """Turn news articles into podcast-style spoken briefings."""


def render_settings(command):
    """The options of everything that renders episodes (make, batch), after script_settings; added to
    `chosen`."""

    @click.option(
        "-o",
        "--output-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=f"Folder for the episode, its script and metadata (default {default(MakeOptions, 'output_dir')}).",
    )
    @click.option("--engine", help=f"Speech engine, as `briefing voices` lists them (default {DEFAULT_ENGINE}).")
    @click.option(
        "--voice", help="Voice for the engine (see `briefing voices`; default: [voice] voice, or the engine's)."
    )
    @click.option(
        "--fallback-engine",
        metavar="ENGINE",
        help="When the engine keeps failing (e.g. gtts offline), finish the briefing with this one.",
    )
    @click.option("--lang", help=f"Language (gtts, espeak; default {default(EngineSettings, 'lang')}).")
    @click.option("--tld", help=f"gTTS accent host, e.g. co.uk, com.au (default {default(EngineSettings, 'tld')}).")
    @click.option(
        "--rate", type=Finite(MIN_RATE, MAX_RATE), help="Speaking rate, 0.8-1.5 (default: [voice] rate, or 1)."
    )
    @click.option(
        "--voice2",
        help="A second voice for headlines, intro, outro and quotes: VOICE of the same engine, "
        "or ENGINE:VOICE (e.g. espeak:en-gb).",
    )
    @click.option(
        "--workers", type=click.IntRange(1, 256), help="Piper: processes speaking at once (default: one per core)."
    )
    @click.option(
        "--cluster",
        metavar="ADDRESS",
        help="Piper synthesis on a Dask cluster: local:N, tcp://HOST:PORT or "
        "tls://HOST:PORT (default: [cluster] address, or $BRIEFING_CLUSTER).",
    )
    @click.option("--music", type=click.Path(path_type=Path), help="Intro music file instead of the generated sting.")
    @click.option(
        "--loudness",
        type=Finite(-30, -10),
        help=f"Target integrated loudness, LUFS, -30 to -10 (default {default(MasterOptions, 'loudness'):g}).",
    )
    @click.option(
        "--bitrate",
        type=click.IntRange(32, 320),
        help=f"Audio bitrate, kbps, constant (default {default(MasterOptions, 'bitrate')}).",
    )
    @click.option(
        "--sample-rate",
        type=click.Choice(["44100", "22050"]),
        help=f"Audio sample rate, Hz (default {default(MasterOptions, 'sample_rate')}).",
    )
    @click.option(
        "--format",
        "audio_format",
        type=click.Choice(format_names()),
        help=f"The episode's audio file: mp3, or m4a (AAC in MP4) (default: [audio] format, or {DEFAULT_FORMAT}).",
    )
    @click.option("--publish", is_flag=True, help="Add the episode to the podcast feed in the output folder.")
    @click.option("--base-url", help="With --publish: where the output folder is served (default: [show] base_url).")
    @click.option(
        "--artwork", type=click.Path(path_type=Path), help="With --publish: square show artwork, 1400-3000 px."
    )
    @click.option("--keep", type=click.IntRange(1, 100_000), help="With --publish: keep only the newest N episodes.")
    @click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Segment cache folder.")
    @click.option("--no-cache", is_flag=True, help="Synthesise every segment again, and cache nothing.")
    @click.option(
        "--cache-max",
        help="Bound on the segment cache; the least recently used go "
        f"(default {size_text(default(CacheOptions, 'max_bytes'))}).",
    )
    @functools.wraps(command)
    def wrapper(*args, chosen, sample_rate, **kwargs):
        rendering = (
            "output_dir",
            "engine",
            "voice",
            "fallback_engine",
            "lang",
            "tld",
            "rate",
            "voice2",
            "workers",
            "cluster",
            "music",
            "loudness",
            "bitrate",
            "audio_format",
            "publish",
            "base_url",
            "artwork",
            "keep",
            "cache_dir",
            "no_cache",
            "cache_max",
        )
        chosen = {
            **chosen,
            **{name: kwargs.pop(name) for name in rendering},
            "sample_rate": int(sample_rate) if sample_rate else None,
        }
        return command(*args, chosen=chosen, **kwargs)

    return wrapper


@main.command("make")
@script_settings
@render_settings
@click.option("--title", help="The episode's title (default: the headline, or the show and date for several stories).")
@click.option("--minutes", type=Finite(0.5, 600), help="Condense the stories so the episode lasts about this long.")
@click.option("--dry-run", is_flag=True, help="Print the plan (stories, words kept, estimated minutes) and stop.")
@click.option(
    "--verify",
    is_flag=True,
    help="Transcribe the episode with a local recogniser and list segments it "
    "did not hear as written (needs briefing[check]); exit 1 if any.",
)
@click.option(
    "--retry",
    is_flag=True,
    help="With --verify: synthesise failing segments again (by the fallback engine "
    "when one is set) and check once more.",
)
@click.option("--check-model", metavar="NAME|FOLDER", help="With --verify: the Whisper model (default tiny.en).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; print only the MP3's path.")
def make_command(sources, chosen, config, title, minutes, dry_run, verify, retry, check_model, quiet):
    """Render SOURCES (text, Markdown or HTML files, http(s) URLs, - for stdin, or a script from
    `briefing script`) into one MP3 briefing."""
    with user_errors():
        options = make_options(config, **chosen, title=title, minutes=minutes)
    if dry_run:
        with user_errors():
            print_plan(plan_only(list(sources), options))
        return
    report = None
    with user_errors(), synthesis_progress(quiet) as progress:
        if verify:
            episode, report = make_and_verify(list(sources), options, progress, Recogniser(check_model), retry=retry)
        else:
            episode = make(list(sources), options, progress=progress)
    for problem in episode.problems:
        click.echo(f"briefing: skipped {problem}", err=True)
    if episode.fallback_segments:
        click.echo(
            f"briefing: {episode.engine} kept failing; {episode.fallback_segments} segments were made by "
            f"{options.voice.fallback_engine}",
            err=True,
        )
    if not quiet:
        minutes, seconds = divmod(round(episode.duration), 60)
        click.echo(
            f"{episode.title} ({minutes}:{seconds:02d}, {episode.engine}/{episode.voice}, "
            f"{episode.cache_misses} segments synthesised, {episode.cache_hits} from the cache)",
            err=True,
        )
    click.echo(episode.audio)
    if report is not None:
        echo_report(report)
        if report.failing:
            sys.exit(1)


def echo_report(report) -> None:
    """The check's summary, and a line for each segment above the threshold, on stderr."""
    click.echo(
        f"check: word error rate {report.wer:.3f} over {len(report.segments)} segments (model {report.model}); "
        f"{len(report.failing)} above {report.threshold:.2f}",
        err=True,
    )
    for segment in report.failing:
        minutes, seconds = divmod(segment.start, 60)
        click.echo(
            f"  #{segment.index} at {int(minutes)}:{seconds:04.1f} WER {segment.wer:.2f}: "
            f"said {segment.expected!r}, heard {segment.heard!r}",
            err=True,
        )


@main.command("script")
@script_settings
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the editable Markdown script here (default: print it).",
)
@click.option(
    "--explain",
    "explain_dropped",
    is_flag=True,
    help="List every block cleaning dropped, with the rule that dropped it, and how the article text was chosen.",
)
@click.option(
    "--spoken", is_flag=True, help="Print exactly what the voice will say, one sentence a line, to proofread."
)
@click.option("--engine", help=f"With --spoken: the speech engine (default {DEFAULT_ENGINE}).")
@click.option("--voice", help="With --spoken: the engine's voice (default: [voice] voice, or the engine's).")
def script_command(sources, chosen, config, output, explain_dropped, spoken, engine, voice):
    """Write the editable script of SOURCES; `briefing make SCRIPT.md` renders it."""
    with user_errors():
        options = make_options(config, **chosen, engine=engine, voice=voice)
        if spoken:
            lines = spoken_script(list(sources), options, output)
            if output is None:
                click.echo("".join(line + "\n" for line in lines), nl=False)
        elif explain_dropped:
            stories = explain(list(sources), options)
            for story in stories:
                prefix = f"{story.source}: " if len(sources) > 1 else ""
                if story.extraction:
                    click.echo(f"{prefix}text: {story.extraction}")
                for block in story.dropped:
                    click.echo(f'{prefix}{block.rule}: "{block.text}"')
            dropped = sum(len(story.dropped) for story in stories)
            click.echo(f"{dropped} blocks dropped; --keep-rule RULE keeps what a built-in rule drops", err=True)
            if output:
                write_script(list(sources), options, output)
        else:
            markdown = write_script(list(sources), options, output)
            if output is None:
                click.echo(markdown, nl=False)
    if output:
        click.echo(str(output), err=explain_dropped)


def print_plan(plan) -> None:
    """The dry-run plan as a table on stdout."""
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title="Briefing plan" + ("" if plan.calibrated else " (pace not yet calibrated for this voice: a guess)")
    )
    for column in ("story", "outlet", "words kept / total", "minutes", "gTTS requests"):
        table.add_column(column, justify="left" if column in ("story", "outlet") else "right")
    for story in plan.stories:
        table.add_row(
            story.title,
            story.outlet or "",
            f"{story.words_kept} / {story.words_total}",
            f"{story.seconds / 60:.1f}",
            str(story.gtts_requests),
        )
    table.add_row("whole episode", "", "", f"{plan.seconds / 60:.1f}", str(sum(s.gtts_requests for s in plan.stories)))
    Console(width=120).print(table)
    for problem in plan.problems:
        click.echo(f"briefing: skipped {problem}", err=True)


def feed_settings(command):
    """Options shared by the feed commands: the podcast folder and the show's settings."""

    @click.option(
        "-d",
        "--dir",
        "folder",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("output"),
        show_default=True,
        help="The podcast folder.",
    )
    @click.option("--base-url", help="Where the folder is served (default: [show] base_url).")
    @click.option(
        "--config", "config_path", type=click.Path(path_type=Path), help="Settings file (default: ./briefing.toml)."
    )
    @functools.wraps(command)
    def wrapper(*args, config_path, base_url, **kwargs):
        with user_errors():
            config = load_config(config_path)
        return command(*args, show=show(config, base_url=base_url), **kwargs)

    return wrapper


@main.group("feed")
def feed_group() -> None:
    """Keep the podcast feed of a folder: list, remove, rebuild, lint."""


@feed_group.command("list")
@feed_settings
def feed_list(folder, show):
    """List the published episodes, newest first."""
    with user_errors():
        for episode in publish.published_episodes(folder):
            minutes, seconds = divmod(round(episode.duration), 60)
            click.echo(
                f"{episode.stem}  {episode.published:%Y-%m-%d %H:%M}  {minutes:>3}:{seconds:02d}  {episode.title}"
            )


@feed_group.command("remove")
@click.argument("episode")
@feed_settings
def feed_remove(episode, folder, show):
    """Remove EPISODE (its name as `feed list` shows it) with its files, and rewrite the feed."""
    with user_errors():
        for path in publish.remove_episode(folder, episode, show):
            click.echo(f"removed {path}")


@feed_group.command("rebuild")
@feed_settings
def feed_rebuild(folder, show):
    """Rewrite feed.xml and the cover from the episodes in the folder."""
    with user_errors():
        catalogue = publish.rebuild(folder, show)
    for damaged in catalogue.damaged:
        click.echo(f"briefing: {damaged}", err=True)
    click.echo(str(folder / FEED))


@feed_group.command("lint")
@click.option("--url", help="Also check the host serving the folder at this URL (HEAD and byte ranges).")
@feed_settings
def feed_lint(url, folder, show):
    """Check the feed against what Apple Podcasts requires; each problem on a line, exit 1 if any
    (warnings, such as a feed with no base URL, do not fail)."""
    with user_errors():
        report = publish.lint(folder, url)
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
    for problem in report.problems:
        click.echo(problem)
    if report.problems:
        sys.exit(1)
    click.echo(f"{folder / FEED}: no problems found")


@main.command("serve")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("output"))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 serves phones on the local network (prints a QR code).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--base-url", help="Keep the feed's URLs at this address (default: the address each listener used).")
@click.option(
    "--client-timeout",
    type=Finite(0.1, 3600),
    default=10.0,
    show_default=True,
    help="Seconds a client has to send each request; slower ones are disconnected.",
)
@click.option(
    "--stall-timeout",
    type=Finite(1, 3600),
    default=60.0,
    show_default=True,
    help="Seconds a download may wait for its reader (a paused player) before the connection is ended.",
)
@click.option(
    "--accept-submissions",
    is_flag=True,
    help="Also take articles at /api/articles (with the token) and publish each as an episode.",
)
@click.option(
    "--token",
    help="With --accept-submissions: the token clients give (default: $BRIEFING_TOKEN, or one made and kept).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="With --accept-submissions: also fetch submitted URLs on private and local addresses.",
)
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="Settings file (default: ./briefing.toml)."
)
def serve_command(
    folder, host, port, base_url, client_timeout, stall_timeout, accept_submissions, token, allow_private, config_path
):
    """Serve the podcast FOLDER (default output/) to podcast apps and phone browsers until Ctrl-C."""
    from .publish.serve import serve

    with user_errors():
        if not accept_submissions:
            serve(
                folder,
                host,
                port,
                base_url,
                echo=click.echo,
                client_timeout=client_timeout,
                stall_timeout=stall_timeout,
            )
            return
        from .service.server import submission_service

        config = load_config(config_path)
        options = make_options(config, output_dir=folder, base_url=base_url)
        with submission_service(
            folder, host, port, options, token, allow_private, config.schedules, echo=click.echo
        ) as routes:
            serve(
                folder,
                host,
                port,
                base_url,
                echo=click.echo,
                client_timeout=client_timeout,
                stall_timeout=stall_timeout,
                extra_routes=routes,
            )


@main.group("cache")
def cache_group() -> None:
    """The cache of synthesised segments."""


@cache_group.command("info")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Segment cache folder.")
def cache_info(cache_dir):
    """Where the cache is, how many segments it holds and how much space they take."""
    info = SegmentCache(cache_dir or default_cache_folder()).info()
    click.echo(
        f"{info['folder']}: {info['entries']} segments, {info['bytes'] / 1024**2:.1f} MB "
        f"(bound {info['max_bytes'] / 1024**3:.1f} GB), last used {info['last_used'] or 'never'}"
    )


@cache_group.command("clear")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), help="Segment cache folder.")
def cache_clear(cache_dir):
    """Remove every cached segment."""
    click.echo(f"removed {SegmentCache(cache_dir or default_cache_folder()).clear()} segments")


@main.command("batch")
@script_settings
@render_settings
@click.option(
    "--per-article", is_flag=True, help="One episode for each article (required: for one episode of all, use make)."
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=BATCH_CONCURRENCY,
    show_default=True,
    help="Episodes made at once.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the MP3 paths.")
def batch_command(sources, chosen, config, per_article, concurrency, quiet):
    """Voice every article of SOURCES and the --from-feed feeds as an episode of its own, several at
    once (on a cluster with --cluster); a failing article is reported and the rest still made.
    Exits 1 when any article failed."""
    from .batch import batch

    if not per_article:
        raise click.UsageError("batch makes one episode per article: add --per-article (make makes one episode of all)")

    def finished(episode, failure) -> None:
        if failure:
            click.echo(f"briefing: failed {failure}", err=True)
        else:
            if not quiet:
                click.echo(
                    f"{episode.title} ({round(episode.duration)} s, {episode.cache_misses} segments synthesised)",
                    err=True,
                )
            click.echo(episode.audio)

    with user_errors():
        result = batch(list(sources), make_options(config, **chosen), concurrency, finished)
    if result.failures:
        sys.exit(1)


@main.command("worker")
@click.argument("scheduler")
@click.option(
    "--nworkers", type=click.IntRange(1, 256), default=1, show_default=True, help="Worker processes to start."
)
def worker_command(scheduler, nworkers):
    """Serve a Dask cluster's SCHEDULER (tcp:// or tls://) with NWORKERS single-thread worker
    processes that speak for briefing (the same as `dask worker SCHEDULER --nthreads 1`)."""

    command = [
        sys.executable,
        "-m",
        "distributed.cli.dask_worker",
        scheduler,
        "--nworkers",
        str(nworkers),
        "--nthreads",
        "1",
    ]
    sys.exit(subprocess.call(command))


@main.command("check")
@click.argument("episode", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--model", metavar="NAME|FOLDER", help="The Whisper model: tiny.en (briefing[check]) or a CTranslate2 folder."
)
@click.option(
    "--threshold",
    type=Finite(0, 1),
    default=CHECK_THRESHOLD,
    show_default=True,
    help="List segments whose word error rate is above this.",
)
def check_command(episode, model, threshold):
    """Transcribe EPISODE (an MP3 made by briefing, its .json beside it) and report the word error
    rate of each segment against the script; exit 1 when any is above the threshold."""
    with user_errors():
        report = check(episode, Recogniser(model), threshold)
    echo_report(report)
    if report.failing:
        sys.exit(1)


@main.command("preview")
@click.argument("text")
@click.option(
    "--engine", default=DEFAULT_ENGINE, show_default=True, help="Speech engine, as `briefing voices` lists them."
)
@click.option("--voice", help="Voice for the engine (see `briefing voices`; default: [voice] voice, or the engine's).")
@click.option("--rate", type=Finite(MIN_RATE, MAX_RATE), help="Speaking rate (default: [voice] rate, or 1).")
@click.option("--lang", help=f"Language (gtts, espeak; default {default(EngineSettings, 'lang')}).")
@click.option("--tld", help=f"gTTS accent host, e.g. co.uk (default {default(EngineSettings, 'tld')}).")
@click.option(
    "--format",
    "audio_format",
    type=click.Choice(format_names()),
    help=f"The audio file to write (default: [audio] format, or {DEFAULT_FORMAT}).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (default: output/preview-ENGINE-VOICE.mp3, or .m4a).",
)
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="Settings file (default: ./briefing.toml)."
)
def preview_command(text, engine, voice, rate, lang, tld, audio_format, output, config_path):
    """Say TEXT with a voice, to compare voices and rates: writes a short clip and prints its path."""
    with user_errors():
        config = load_config(config_path)
        click.echo(
            preview(
                text,
                VoiceOptions(engine, engine_settings(config, voice, lang, tld, rate)),
                master_options(audio_format=audio_format or config.audio_format),
                output,
            )
        )


@main.command("voices")
@click.option("--engine", metavar="ENGINE", help="Only this engine's voices.")
def voices_command(engine) -> None:
    """List the engines and their voices, and whether each can be used here."""
    with user_errors():
        for voice in engine_class(engine).voices() if engine else list_voices():
            state = "usable" if voice.usable else "unavailable"
            rate = f"{voice.sample_rate} Hz" if voice.sample_rate else "-"
            click.echo(f"{voice.engine:<7} {voice.voice:<10} {voice.language:<24} {rate:<9} {state:<12} {voice.note}")


if __name__ == "__main__":
    main()
