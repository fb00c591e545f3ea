"""The `briefing` command: parses options and calls the library; nothing else lives here."""

from __future__ import annotations

import functools
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import interrupts
from .batch import BatchOptions, batch
from .cache import SegmentCache
from .cache import default_folder as default_cache_folder
from .clioptions import options_from, settings_options
from .config import load_config
from .dryrun import dry_run as plan_only
from .errors import BriefingError
from .options import MakeOptions, default_of
from .pipeline import explain, make, preview, spoken_script, write_script
from .pipeline import verify as make_and_verify
from .publish import podcast as publish
from .publish.layout import FEED
from .publish.listeners import add_listener, listed, revoke_listener
from .publish.serve import ServeOptions, serve
from .quality.check import CheckOptions, Recogniser, check
from .tts import DEFAULT_ENGINE, engine_class, list_voices, prepare_voice
from .tts.cluster import WorkerOptions


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


@contextmanager
def synthesis_progress(quiet: bool):
    """A rich progress bar on stderr, fed by make's progress callback; none when quiet or not on a terminal."""
    if quiet:
        yield None
        return
    # rich takes 40 ms to import, a tenth of a render served from the cache: only for a bar that is shown
    from rich import console, progress

    terminal = console.Console(stderr=True)
    if not terminal.is_terminal:
        yield None
        return

    with progress.Progress(
        progress.TextColumn("{task.description:<13}"),
        progress.BarColumn(),
        progress.MofNCompleteColumn(),
        progress.TimeRemainingColumn(),
        console=terminal,
        transient=True,
    ) as bar:
        task = bar.add_task("reading", total=None)
        yield lambda stage, done, total: bar.update(task, description=stage, completed=done, total=total)


def script_settings(command):
    """What `make`, `script` and `batch` share: the sources, how they are read and cleaned, and the
    settings file. The command receives `given` (the settings given, by dotted path) and the loaded
    `config`."""

    @click.argument("sources", nargs=-1)
    @settings_options(MakeOptions, groups=("read",))
    @config_option
    @functools.wraps(command)
    def wrapper(*args, config_path, **kwargs):
        with user_errors():
            config = load_config(config_path)
        return command(*args, config=config, **kwargs)

    return wrapper


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Settings file (default: ./briefing.toml, else the user config folder's).",
)


@click.group(cls=Commands)
@click.version_option(package_name="briefing")
def main() -> None:
    """Turn news articles into podcast-style spoken briefings."""


render_settings = settings_options(MakeOptions, groups=("voice", "render"))


@main.command("make")
@script_settings
@render_settings
@settings_options(MakeOptions, groups=("episode",))
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
def make_command(sources, given, config, dry_run, verify, retry, check_model, quiet):
    """Render SOURCES (text, Markdown or HTML files, http(s) URLs, - for stdin, or a script from
    `briefing script`) into one MP3 briefing."""
    with user_errors():
        options = config.options(given)
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
    for warning in episode.warnings:
        click.echo(f"briefing: warning: {warning}", err=True)
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
@settings_options(MakeOptions, paths=("voice.engine", "voice.settings.voice"))
def script_command(sources, given, config, output, explain_dropped, spoken):
    """Write the editable script of SOURCES; `briefing make SCRIPT.md` renders it (--engine and
    --voice: the voice --spoken writes for)."""
    with user_errors():
        options = config.options(given)
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
    from rich import console, table  # as in synthesis_progress

    rows = table.Table(
        title="Briefing plan" + ("" if plan.calibrated else " (pace not yet calibrated for this voice: a guess)")
    )
    for column in ("story", "outlet", "words kept / total", "minutes", "gTTS requests"):
        rows.add_column(column, justify="left" if column in ("story", "outlet") else "right")
    for story in plan.stories:
        rows.add_row(
            story.title,
            story.outlet or "",
            f"{story.words_kept} / {story.words_total}",
            f"{story.seconds / 60:.1f}",
            str(story.gtts_requests),
        )
    rows.add_row("whole episode", "", "", f"{plan.seconds / 60:.1f}", str(sum(s.gtts_requests for s in plan.stories)))
    console.Console(width=120).print(rows)
    for problem in plan.problems:
        click.echo(f"briefing: skipped {problem}", err=True)


def feed_settings(command):
    """Options shared by the feed commands: the podcast folder and the show's settings."""

    @click.option(
        "-d",
        "--dir",
        "folder",
        type=click.Path(file_okay=False, path_type=Path),
        default=default_of(MakeOptions, "output_dir"),
        show_default=True,
        help="The podcast folder.",
    )
    @settings_options(MakeOptions, paths=("show.base_url",))
    @config_option
    @functools.wraps(command)
    def wrapper(*args, config_path, given, **kwargs):
        with user_errors():
            show = load_config(config_path).options(given).show
        return command(*args, show=show, **kwargs)

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
    for line in catalogue.healed + catalogue.damaged:
        click.echo(f"briefing: {line}", err=True)
    click.echo(str(folder / FEED))


@feed_group.command("lint")
@click.option(
    "--url",
    help="Also check the feed as apps get it at this address (the feed's or the folder's): every file it "
    "names answers, with the size and type the feed says, and byte ranges.",
)
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


@feed_group.command("push")
@click.argument("places", nargs=-1, metavar="[FOLDER] DEST")
@settings_options(MakeOptions, paths=("show.base_url",))
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@config_option
def feed_push(places, given, quiet, config_path):
    """Mirror the podcast FOLDER (default output/) to DEST: s3://BUCKET/PREFIX (any S3-compatible
    store; credentials from the AWS variables and files) or a folder. Files already there are not
    sent again; the feed goes last. Prints what was sent."""
    if len(places) not in (1, 2):
        raise click.UsageError("give DEST, or FOLDER and DEST")
    folder, destination = (
        (Path(places[0]), places[1]) if len(places) == 2 else (default_of(MakeOptions, "output_dir"), places[0])
    )
    from .publish.push import push  # boto3 and the destinations: 0.4 s to import, for pushing alone

    with user_errors(), synthesis_progress(quiet) as progress:
        show = load_config(config_path).options(given).show
        report = push(folder, destination, show.base_url, progress)
    for warning in report.warnings:
        click.echo(f"briefing: warning: {warning}", err=True)
    click.echo(
        f"{destination}: {len(report.sent)} files sent, {report.unchanged} unchanged, {len(report.deleted)} deleted "
        f"({report.requests} requests)"
    )


@feed_group.group("listener")
def listener_group() -> None:
    """Private feeds: an address of their own for each listener, which can be taken back."""


listener_folder = click.argument(
    "folder", type=click.Path(file_okay=False, path_type=Path), default=default_of(MakeOptions, "output_dir")
)


@listener_group.command("add")
@click.argument("name")
@listener_folder
@settings_options(MakeOptions, paths=("show.base_url",))
@config_option
def listener_add(name, folder, given, config_path):
    """Give NAME a private feed of the podcast FOLDER and print its address. Once a show has
    listeners, `briefing serve` answers the public feed with 404."""
    with user_errors():
        click.echo(add_listener(folder, name, load_config(config_path).options(given).show))


@listener_group.command("list")
@listener_folder
@settings_options(MakeOptions, paths=("show.base_url",))
@config_option
def listener_list(folder, given, config_path):
    """List the listeners and their private feed addresses."""
    with user_errors():
        for name, url in listed(folder, load_config(config_path).options(given).show):
            click.echo(f"{name}\t{url}")


@listener_group.command("revoke")
@click.argument("name")
@listener_folder
@config_option
def listener_revoke(name, folder, config_path):
    """Take NAME's private feed back: it stops working at once under `briefing serve`, and with a
    destination ([publish] to in briefing.toml) its feed there is deleted now."""
    with user_errors():
        options = load_config(config_path).options()
        revoke_listener(folder, name)
        if options.publish.to:
            from .publish.push import push  # as in feed push

            push(folder, options.publish.to, options.show.base_url)
    click.echo(f"revoked {name}")


@main.command("serve")
@click.argument(
    "folder", type=click.Path(file_okay=False, path_type=Path), default=default_of(MakeOptions, "output_dir")
)
@settings_options(ServeOptions)
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
@config_option
def serve_command(folder, given, accept_submissions, token, allow_private, config_path):
    """Serve the podcast FOLDER (default output/) to podcast apps and phone browsers until Ctrl-C."""
    with user_errors():
        listening = load_config(config_path).serve_options(given)
        warn = functools.partial(click.echo, err=True)
        if not accept_submissions:
            stopped_by = serve(folder, listening, click.echo, warn=warn)
        else:
            # starlette, the SQLite queue and the scheduler: 0.2 s to import, for the service alone
            from .service.server import submission_service

            config = load_config(config_path)
            options = config.options({"output_dir": folder, "show.base_url": listening.base_url})
            with submission_service(
                folder,
                listening.host,
                listening.port,
                options,
                token,
                allow_private,
                config.schedules,
                click.echo,
                listening.client_timeout,
                listening.scheme,
            ) as routes:
                stopped_by = serve(folder, listening, click.echo, routes, warn)
    if stopped_by:
        interrupts.stopped(stopped_by)


@main.group("cache")
def cache_group() -> None:
    """The cache of synthesised segments."""


cache_folder = settings_options(MakeOptions, paths=("cache.folder",))


def cache_at(given: dict) -> SegmentCache:
    return SegmentCache(given["cache.folder"] or default_cache_folder())


@cache_group.command("info")
@cache_folder
def cache_info(given):
    """Where the cache is, how many segments it holds and how much space they take."""
    info = cache_at(given).info()
    click.echo(
        f"{info['folder']}: {info['entries']} segments, {info['bytes'] / 1024**2:.1f} MB "
        f"(bound {info['max_bytes'] / 1024**3:.1f} GB), last used {info['last_used'] or 'never'}"
    )


@cache_group.command("clear")
@cache_folder
def cache_clear(given):
    """Remove every cached segment."""
    click.echo(f"removed {cache_at(given).clear()} segments")


@main.command("batch")
@script_settings
@render_settings
@click.option(
    "--per-article", is_flag=True, help="One episode for each article (required: for one episode of all, use make)."
)
@settings_options(BatchOptions)
@click.option("-q", "--quiet", is_flag=True, help="Print only the MP3 paths.")
def batch_command(sources, given, config, per_article, quiet):
    """Voice every article of SOURCES and the --from-feed feeds as an episode of its own, several at
    once (on a cluster with --cluster); a failing article is reported and the rest still made.
    Exits 1 when any article failed."""
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
        concurrency = options_from(BatchOptions, {"concurrency": given.pop("concurrency")}).concurrency
        result = batch(list(sources), config.options(given), concurrency, finished)
    if result.failures:
        sys.exit(1)


@main.command("worker")
@click.argument("scheduler")
@settings_options(WorkerOptions)
def worker_command(scheduler, given):
    """Serve a Dask cluster's SCHEDULER (tcp:// or tls://) with NWORKERS single-thread worker
    processes that speak for briefing (the same as `dask worker SCHEDULER --nthreads 1`)."""

    command = [
        sys.executable,
        "-m",
        "distributed.cli.dask_worker",
        scheduler,
        "--nworkers",
        str(options_from(WorkerOptions, given).nworkers),
        "--nthreads",
        "1",
    ]
    sys.exit(subprocess.call(command))


@main.command("check")
@click.argument("episode", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--model", metavar="NAME|FOLDER", help="The Whisper model: tiny.en (briefing[check]) or a CTranslate2 folder."
)
@settings_options(CheckOptions)
def check_command(episode, model, given):
    """Transcribe EPISODE (an MP3 made by briefing, its .json beside it) and report the word error
    rate of each segment against the script; exit 1 when any is above the threshold."""
    with user_errors():
        report = check(episode, Recogniser(model), options_from(CheckOptions, given).threshold)
    echo_report(report)
    if report.failing:
        sys.exit(1)


@main.command("preview")
@click.argument("text")
@settings_options(MakeOptions, groups=("voice",), paths=("audio.master.format",))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (default: output/preview-ENGINE-VOICE.mp3, or .m4a).",
)
@config_option
def preview_command(text, given, output, config_path):
    """Say TEXT with a voice, to compare voices and rates: writes a short clip and prints its path."""
    with user_errors():
        options = load_config(config_path).options(given)
        click.echo(preview(text, options.voice, options.audio.master, output))


@main.command("voices")
@click.option("--engine", metavar="ENGINE", help="Only this engine's voices.")
@click.option(
    "--prepare",
    metavar="VOICE",
    help="Instead, make now what VOICE's first use makes once (Piper: its optimised copy; NAME-int8: its "
    "int8 copy too), so a first briefing need not wait for it.",
)
def voices_command(engine, prepare) -> None:
    """List the engines and their voices, and whether each can be used here."""
    with user_errors():
        if prepare:
            prepared = prepare_voice(engine or DEFAULT_ENGINE, prepare)
            click.echo(f"{prepared.name} {prepared.voice}: prepared")
            return
        for voice in engine_class(engine).voices() if engine else list_voices():
            state = "usable" if voice.usable else "unavailable"
            rate = f"{voice.sample_rate} Hz" if voice.sample_rate else "-"
            click.echo(f"{voice.engine:<7} {voice.voice:<10} {voice.language:<24} {rate:<9} {state:<12} {voice.note}")


if __name__ == "__main__":
    main()
