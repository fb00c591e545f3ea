from pathlib import Path

import pytest
from conftest import runner

from briefing.cli import main
from briefing.config import load_config
from briefing.errors import BriefingError
from briefing.script.cleaning import choose_rules

SAMPLE = str(Path(__file__).parents[2] / "examples" / "libya-intervention.txt")


def test_config_file(tmp_path):
    (tmp_path / "briefing.toml").write_text(
        '[cleaning]\nkeep = ["photo-credit"]\ndrop = ["^Analysis"]\n'
        '[speech]\nlexicon = "names.toml"\nday_first = true\n'
        "[voice]\nworkers = 2\n"
    )
    options = load_config(tmp_path / "briefing.toml").options()
    writing = options.writing
    assert writing.keep_rules == ("photo-credit",) and writing.drop_patterns == ("^Analysis",)
    assert writing.lexicon == tmp_path / "names.toml" and writing.day_first is True
    assert options.voice.engines.piper.workers == 2  # the service renders as many jobs at once


@pytest.mark.parametrize(
    "text, message",
    [
        ("[sound]\nx = 1\n", "unknown section \\[sound\\]"),
        ("[cleaning]\nkeeps = []\n", "unknown setting 'keeps' in \\[cleaning\\]"),
        ("[cleaning\n", "briefing.toml"),
    ],
)
def test_bad_config(tmp_path, text, message):
    (tmp_path / "briefing.toml").write_text(text)
    with pytest.raises(BriefingError, match=message):
        load_config(tmp_path / "briefing.toml")


def test_no_config_means_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nothing"))
    assert load_config().options().writing.keep_rules == ()


def test_choose_rules():
    names = [rule.name for rule in choose_rules(["photo-credit"], ["^Follow"])]
    assert "photo-credit" not in names and names[-1] == "drop-rule-1"
    with pytest.raises(BriefingError, match="unknown cleaning rule 'nope'"):
        choose_rules(["nope"])
    with pytest.raises(BriefingError, match="bad drop pattern"):
        choose_rules([], ["(unclosed"])


def test_project_config_is_read_by_the_cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefing.toml").write_text('[cleaning]\nkeep = ["newsletter-prompt"]\n')
    result = runner().invoke(main, ["script", SAMPLE, "--explain"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ['subscription-confirmation: "You have Successfully Subscribed!"']


def test_explain_lists_every_dropped_block_with_its_rule():
    result = runner().invoke(main, ["script", SAMPLE, "--explain"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        'newsletter-prompt: "Subscribe to our newsletter"',
        'newsletter-prompt: "Your weekly briefing of progressive news."',
        'subscription-confirmation: "You have Successfully Subscribed!"',
    ]
    assert "3 blocks dropped" in result.stderr


def test_keep_and_drop_rules_on_the_command_line():
    result = runner().invoke(
        main, ["script", SAMPLE, "--explain", "--keep-rule", "newsletter-prompt", "--drop-rule", r"^Analysis\."]
    )
    assert result.stdout.splitlines()[0].startswith('drop-rule-1: "Analysis. Le Monde')
    assert not any(line.startswith("newsletter-prompt") for line in result.stdout.splitlines())


def test_script_command_prints_or_writes(tmp_path):
    printed = runner().invoke(main, ["script", SAMPLE])
    assert printed.exit_code == 0 and printed.stdout.startswith("+++\n")
    target = tmp_path / "scripts" / "libya.md"
    written = runner().invoke(main, ["script", SAMPLE, "-o", str(target)])
    assert written.exit_code == 0 and written.stdout.strip() == str(target)
    assert target.read_text() == printed.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--keep-rule", "nope"], "unknown cleaning rule 'nope'"),
        (["--drop-rule", "("], "bad drop pattern"),
        (["--lexicon", "/nonexistent.toml"], "cannot read lexicon"),
    ],
)
def test_bad_script_settings_are_one_line(args, message):
    result = runner().invoke(main, ["script", SAMPLE, *args])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and message in result.stderr


@pytest.mark.parametrize(
    "text, message",
    [
        ('[voice]\nvoice = ["joe"]\n', "voice in \\[voice\\] must be a voice name"),
        ('[voice]\nrate = "fast"\n', "rate in \\[voice\\] must be a number from 0.8 to 1.5"),
        ("[voice]\nrate = 3.0\n", "rate in \\[voice\\] must be a number from 0.8 to 1.5"),
        ("[voice]\nrate = nan\n", "rate in \\[voice\\] must be a number"),
        ("[voice]\nrate = inf\n", "rate in \\[voice\\] must be a number"),
        ("[voice]\nvoice2 = 2\n", "voice2 in \\[voice\\] must be a voice"),
        ("[show]\ntitle = 42\n", "title in \\[show\\] must be text"),
        ('[show]\nexplicit = "no"\n', "explicit in \\[show\\] must be true or false"),
        ("[show]\nkeep = 0\n", "keep in \\[show\\] must be a whole number of at least 1"),
        ("[show]\nkeep = 2.5\n", "keep in \\[show\\] must be a whole number"),
        ('[show]\nbase_url = "file:///home/me"\n', "base_url in \\[show\\] must be an http\\(s\\) address"),
        ('[show]\nowner_email = ["a@b.org"]\n', "owner_email in \\[show\\] must be an e-mail address"),
        ("[show]\nartwork = true\n", "artwork in \\[show\\] must be an image file name"),
        ('[cleaning]\nkeep = "photo-credit"\n', "keep in \\[cleaning\\] must be a list of rule names"),
        ("[cleaning]\ndrop = [1, 2]\n", "drop in \\[cleaning\\] must be a list of regular expressions"),
        ("[speech]\nday_first = 1\n", "day_first in \\[speech\\] must be true or false"),
        ("[speech]\nlexicon = {}\n", "lexicon in \\[speech\\] must be a file name"),
        ("[cluster]\naddress = 8786\n", "address in \\[cluster\\] must be an address"),
        ('show = "x"\n', "unknown section \\[show\\]|\\[show\\] must be a table"),
    ],
)
def test_settings_of_the_wrong_type_are_one_line_naming_key_and_file(tmp_path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefing.toml").write_text(text)
    with pytest.raises(BriefingError, match=message):
        load_config(tmp_path / "briefing.toml")
    result = runner().invoke(main, ["script", SAMPLE])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "briefing.toml" in result.stderr
    assert "Traceback" not in result.stderr
