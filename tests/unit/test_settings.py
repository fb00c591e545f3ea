"""Settings declared once: the click option, the briefing.toml check and the library's check all come
from one declaration; defaults <- briefing.toml <- the command line."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from briefing.clioptions import help_text, options_from, settings_options
from briefing.config import Config, load_config
from briefing.errors import BriefingError
from briefing.options import MakeOptions
from briefing.settings import check_settings, declared, merged, parse_size, read_toml_section, setting, size_text


@dataclass(frozen=True)
class Sample:
    level: float = setting(-19.0, "A level", flag="--level", toml="sample.level", low=-30, high=-10)
    count: int | None = setting(None, "A count", flag="--count", low=1)
    name: str = setting("x", "A name", flag="--name", toml="sample.name", choices=("x", "y"))
    tags: tuple[str, ...] = setting((), "Tags", flag="--tag", toml="sample.tags", multiple=True, dest="tags")
    quiet: bool = setting(False, "Say less", flag="--quiet")
    file: Path | None = setting(None, "A file", toml="sample.file", relative=True, must="a file name")

    def __post_init__(self) -> None:
        check_settings(self)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"level": -40}, "level must be a number from -30 to -10, not -40"),
        ({"level": float("nan")}, "level must be a number from -30 to -10"),
        ({"level": True}, "level must be a number from -30 to -10, not True"),
        ({"count": 0}, "count must be a whole number of at least 1, not 0"),
        ({"count": 2.5}, "count must be a whole number of at least 1"),
        ({"name": "z"}, "name must be x or y, not 'z'"),
        ({"tags": ("a", 1)}, "tags must be"),
    ],
)
def test_a_library_caller_hears_of_a_bad_value_in_one_line(values, message):
    with pytest.raises(BriefingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Sample(**values)


def test_good_values_are_kept_and_lists_and_paths_made_what_they_are():
    sample = Sample(level=-16, count=3, tags=["a"], file="f.txt")
    assert sample.tags == ("a",) and sample.file == Path("f.txt") and sample.level == -16


def test_briefing_toml_is_checked_against_the_declarations(tmp_path):
    keys = {item.name: item for item in declared(Sample) if item.setting.toml}
    read = read_toml_section(keys, {"level": -12, "tags": ["a"], "file": "x.txt"}, "sample", tmp_path / "b.toml")
    assert read == {"level": -12, "tags": ("a",), "file": tmp_path / "x.txt"}  # relative to the file
    for table, message in [
        ({"level": 0}, "level in [sample] must be a number from -30 to -10, not 0"),
        ({"name": 3}, "name in [sample] must be x or y, not 3"),
        ({"count": 3}, "unknown setting 'count' in [sample]"),
    ]:
        with pytest.raises(BriefingError) as raised:
            read_toml_section(keys, table, "sample", tmp_path / "b.toml")
        assert message in str(raised.value) and "b.toml" in str(raised.value)


def test_layers_merge_in_order_and_repeatable_settings_add_up():
    values = merged(Sample, {"level": -20, "tags": ("a",)}, {"level": None, "tags": ("b",), "name": "y"})
    assert values == {"level": -20, "tags": ("a", "b"), "name": "y"}


def test_click_options_come_from_the_declarations():
    seen = {}

    @click.command()
    @settings_options(Sample)
    def command(given):
        seen.update(options=options_from(Sample, given))

    result = CliRunner().invoke(command, ["--level", "-12", "--tag", "a", "--tag", "b", "--quiet"])
    assert result.exit_code == 0, result.output
    assert seen["options"] == Sample(level=-12, tags=("a", "b"), quiet=True)
    refused = CliRunner().invoke(command, ["--level", "-5"])
    assert refused.exit_code == 2 and "-30<=x<=-10" in refused.output
    assert CliRunner().invoke(command, ["--name", "z"]).exit_code == 2
    assert "(default: [sample] level, or -19)" in CliRunner().invoke(command, ["--help"]).output


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("audio.master.loudness", "Target integrated loudness, LUFS (default -19)."),
        ("voice.settings.rate", "Speaking rate (default: [voice] rate, or 1)."),
        ("ingest.fetch.max_bytes", "Largest article file, input or download accepted (default 5MB)."),
        (
            "voice.engines.piper.workers",
            "Piper: processes speaking at once (default: [voice] workers, or one per core).",
        ),
    ],
)
def test_help_shows_each_default_once(path, expected):
    item = next(item for item in declared(MakeOptions) if item.path == path)
    assert help_text(item) == expected


def test_every_flag_of_make_options_is_declared_once():
    flags = [item.setting.flag for item in declared(MakeOptions) if item.setting.flag]
    assert len(flags) == len(set(flags))


def test_config_options_layer_the_environment_the_file_and_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_CLUSTER", "local:2")
    assert Config().options().voice.cluster == "local:2"
    (tmp_path / "briefing.toml").write_text('[cluster]\naddress = "local:3"\n[voice]\nrate = 1.2\n')
    config = load_config(tmp_path / "briefing.toml")
    assert config.options().voice.cluster == "local:3"
    assert config.options({"voice.cluster": "local:4", "voice.settings.rate": None}).voice.cluster == "local:4"
    assert config.options().voice.settings.rate == 1.2


@pytest.mark.parametrize(("text", "size"), [("5MB", 5 * 1024**2), ("2GB", 2 * 1024**3), ("800k", 800 * 1024)])
def test_sizes_read_and_written(text, size):
    assert parse_size(text) == size and parse_size(size_text(size)) == size


def test_no_click_option_in_the_cli_writes_its_own_bounds_or_default():
    """cli.py takes its options' types, bounds and defaults from the declarations."""
    source = (Path(__file__).resolve().parents[2] / "briefing" / "cli.py").read_text(encoding="utf-8")
    written = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("click.option", "click.argument"):
            for keyword in node.keywords:
                if keyword.arg == "type" and any(word in ast.unparse(keyword.value) for word in ("Range", "Finite")):
                    written.append(ast.unparse(node))
                if keyword.arg == "default" and "default_of" not in ast.unparse(keyword.value):
                    written.append(ast.unparse(node))
    assert not written, "\n".join(written)
