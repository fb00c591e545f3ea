"""The `briefing` command: parses options and calls the library; nothing else lives here."""

from __future__ import annotations

import functools
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from .audio import MasterOptions
from .config import load_config
from .errors import BriefingError
from .make import MakeOptions, explain, make, write_script
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


def script_settings(command):
    """Options shared by `make` and `script`: what the sources are and how they are cleaned and read."""

    @click.argument("sources", nargs=-1, required=True)
    @click.option("--show", default="Briefing", show_default=True, help="Show name, spoken in the intro and tagged.")
    @click.option("--keep-rule", "keep_rules", multiple=True, metavar="RULE",
                  help="Do not apply this cleaning rule (see --explain); repeatable.")
    @click.option("--drop-rule", "drop_patterns", multiple=True, metavar="REGEX",
                  help="Also drop blocks matching this regular expression; repeatable.")
    @click.option("--lexicon", type=click.Path(path_type=Path), help="Pronunciation lexicon (TOML) added to the built-in one.")
    @click.option("--day-first/--month-first", default=None,
                  help="Read 12/03/2016 as the 12th of March, or as December 3rd (default: month first).")
    @click.option("--config", "config_path", type=click.Path(path_type=Path),
                  help="Settings file (default: ./briefing.toml, else the user config folder's).")
    @functools.wraps(command)
    def wrapper(*args, config_path, keep_rules, drop_patterns, lexicon, day_first, **kwargs):
        with user_errors():
            config = load_config(config_path)
        settings = dict(keep_rules=config.keep_rules + keep_rules, drop_patterns=config.drop_patterns + drop_patterns,
                        lexicon=lexicon or config.lexicon, day_first=config.day_first if day_first is None else day_first)
        return command(*args, settings=settings, **kwargs)

    return wrapper


@click.group()
@click.version_option(package_name="briefing")
def main() -> None:
    """Turn news articles into podcast-style spoken briefings."""


@main.command("make")
@script_settings
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder for the MP3, its script and metadata.")
@click.option("--engine", default=DEFAULT_ENGINE, show_default=True, help=f"Speech engine: {', '.join(ENGINE_NAMES)}.")
@click.option("--voice", help="Voice for the engine (see `briefing voices`).")
@click.option("--lang", default="en", show_default=True, help="Language (gtts, espeak).")
@click.option("--tld", default="com", show_default=True, help="gTTS accent host, e.g. co.uk, com.au.")
@click.option("--music", type=click.Path(path_type=Path), help="Intro music file instead of the generated sting.")
@click.option("--loudness", type=float, default=-19.0, show_default=True, help="Target integrated loudness, LUFS.")
@click.option("--bitrate", type=click.IntRange(32, 320), default=64, show_default=True, help="MP3 bitrate, kbps (CBR).")
@click.option("--sample-rate", type=click.Choice(["44100", "22050"]), default="44100", show_default=True,
              help="MP3 sample rate, Hz.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; print only the MP3's path.")
def make_command(sources, settings, show, output_dir, engine, voice, lang, tld, music, loudness, bitrate, sample_rate, quiet):
    """Render SOURCES (text, Markdown or HTML files, http(s) URLs, - for stdin, or a script from
    `briefing script`) into one MP3 briefing."""
    options = MakeOptions(
        engine=engine, engine_settings=EngineSettings(voice=voice, lang=lang, tld=tld), output_dir=output_dir, show=show,
        music=music, master=MasterOptions(loudness=loudness, bitrate=bitrate, sample_rate=int(sample_rate)), **settings,
    )
    with user_errors(), synthesis_progress(quiet) as progress:
        episode = make(list(sources), options, progress=progress)
    if not quiet:
        minutes, seconds = divmod(round(episode.duration), 60)
        click.echo(f"{episode.title} ({minutes}:{seconds:02d}, {episode.engine}/{episode.voice})", err=True)
    click.echo(episode.mp3)


@main.command("script")
@script_settings
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the editable Markdown script here (default: print it).")
@click.option("--explain", "explain_dropped", is_flag=True, help="List every block cleaning dropped, with the rule that dropped it.")
def script_command(sources, settings, show, output, explain_dropped):
    """Write the editable script of SOURCES; `briefing make SCRIPT.md` renders it."""
    options = MakeOptions(show=show, **settings)
    with user_errors():
        if explain_dropped:
            dropped = explain(list(sources), options)
            for story, block in dropped:
                prefix = f"{story.source}: " if len(sources) > 1 else ""
                click.echo(f'{prefix}{block.rule}: "{block.text}"')
            click.echo(f"{len(dropped)} blocks dropped; --keep-rule RULE keeps what a built-in rule drops", err=True)
            if output:
                write_script(list(sources), options, output)
        else:
            markdown = write_script(list(sources), options, output)
            if output is None:
                click.echo(markdown, nl=False)
    if output:
        click.echo(str(output), err=explain_dropped)


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
