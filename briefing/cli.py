"""The `briefing` command: parses options and calls the library; nothing else lives here."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from .audio import MasterOptions
from .errors import BriefingError
from .make import MakeOptions, make
from .tts import DEFAULT_ENGINE, ENGINE_NAMES, EngineSettings, list_voices


@contextmanager
def user_errors():
    """Turn the errors a user can fix into one line on stderr and exit status 2; Ctrl-C into 130."""
    try:
        yield
    except BriefingError as error:
        click.echo(f"briefing: error: {error}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("briefing: interrupted", err=True)
        sys.exit(130)


@contextmanager
def synthesis_progress(quiet: bool):
    """A rich progress bar on stderr, fed by make's progress callback; none when quiet or not on a terminal."""
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description:<13}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("reading", total=None)
        yield lambda stage, done, total: bar.update(task, description=stage, completed=done, total=total)


@click.group()
@click.version_option(package_name="briefing")
def main() -> None:
    """Turn news articles into podcast-style spoken briefings."""


@main.command("make")
@click.argument("sources", nargs=-1, required=True)
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder for the MP3, its script and metadata.")
@click.option("--engine", default=DEFAULT_ENGINE, show_default=True, help=f"Speech engine: {', '.join(ENGINE_NAMES)}.")
@click.option("--voice", help="Voice for the engine (see `briefing voices`).")
@click.option("--lang", default="en", show_default=True, help="Language (gtts, espeak).")
@click.option("--tld", default="com", show_default=True, help="gTTS accent host, e.g. co.uk, com.au.")
@click.option("--show", default="Briefing", show_default=True, help="Show name, spoken in the intro and tagged.")
@click.option("--music", type=click.Path(path_type=Path), help="Intro music file instead of the generated sting.")
@click.option("--loudness", type=float, default=-19.0, show_default=True, help="Target integrated loudness, LUFS.")
@click.option("--bitrate", type=click.IntRange(32, 320), default=64, show_default=True, help="MP3 bitrate, kbps (CBR).")
@click.option("--sample-rate", type=click.Choice(["44100", "22050"]), default="44100", show_default=True,
              help="MP3 sample rate, Hz.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; print only the MP3's path.")
def make_command(sources, output_dir, engine, voice, lang, tld, show, music, loudness, bitrate, sample_rate, quiet):
    """Render SOURCES (text, Markdown or HTML files, http(s) URLs, or - for stdin) into one MP3 briefing."""
    options = MakeOptions(
        engine=engine,
        engine_settings=EngineSettings(voice=voice, lang=lang, tld=tld),
        output_dir=output_dir,
        show=show,
        music=music,
        master=MasterOptions(loudness=loudness, bitrate=bitrate, sample_rate=int(sample_rate)),
    )
    with user_errors(), synthesis_progress(quiet) as progress:
        episode = make(list(sources), options, progress=progress)
    if not quiet:
        minutes, seconds = divmod(round(episode.duration), 60)
        click.echo(f"{episode.title} ({minutes}:{seconds:02d}, {episode.engine}/{episode.voice})", err=True)
    click.echo(episode.mp3)


@main.command("voices")
def voices_command() -> None:
    """List the engines and their voices, and whether each can be used here."""
    with user_errors():
        for voice in list_voices():
            state = "usable" if voice.usable else "unavailable"
            rate = f"{voice.sample_rate} Hz" if voice.sample_rate else "-"
            click.echo(f"{voice.engine:<7} {voice.voice:<10} {voice.language:<24} {rate:<9} {state:<12} {voice.note}")


if __name__ == "__main__":
    main()
