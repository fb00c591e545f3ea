"""Bad input of every kind: one line on stderr, exit status 2, nothing written. And Ctrl-C."""


import pytest
from conftest import runner
from helpers import CASES

from briefing.cli import main


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("arguments", [
    ["make", "x.txt", "--rate", "nan"], ["make", "x.txt", "--rate", "3"], ["make", "x.txt", "--loudness", "+50"],
    ["make", "x.txt", "--loudness", "inf"], ["make", "x.txt", "--timeout", "nan"], ["make", "x.txt", "--timeout", "inf"],
    ["make", "x.txt", "--minutes", "-1"], ["make", "x.txt", "--workers", "0"], ["make", "x.txt", "--bitrate", "1" * 400],
    ["make", "x.txt", "--max-input", "1" * 400], ["make", "x.txt", "--cache-max", "9" * 40 + "GB"], ["make", "--bogus"],
    ["serve", "--port", "99999"], ["check", "x.mp3", "--threshold", "nan"], ["preview", "Hi", "--rate", "-inf"],
    ["nosuch"],
])
def test_option_errors_are_one_line_exit_2(arguments, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner().invoke(main, arguments)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith("briefing: error: ")
    assert not list(tmp_path.iterdir())
