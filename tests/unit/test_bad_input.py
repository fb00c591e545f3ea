"""Bad input of every kind: one line on stderr, exit status 2, nothing written. And Ctrl-C."""

import signal
from types import SimpleNamespace

import pytest
from conftest import runner
from helpers import CASES

from briefing import cli, interrupts
from briefing.cli import main
from briefing.errors import BriefingError


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    "arguments",
    [
        ["make", "x.txt", "--rate", "nan"],
        ["make", "x.txt", "--rate", "3"],
        ["make", "x.txt", "--loudness", "+50"],
        ["make", "x.txt", "--loudness", "inf"],
        ["make", "x.txt", "--timeout", "nan"],
        ["make", "x.txt", "--timeout", "inf"],
        ["make", "x.txt", "--minutes", "-1"],
        ["make", "x.txt", "--workers", "0"],
        ["make", "x.txt", "--bitrate", "1" * 400],
        ["make", "x.txt", "--max-input", "1" * 400],
        ["make", "x.txt", "--cache-max", "9" * 40 + "GB"],
        ["make", "--bogus"],
        ["serve", "--port", "99999"],
        ["check", "x.mp3", "--threshold", "nan"],
        ["preview", "Hi", "--rate", "-inf"],
        ["nosuch"],
    ],
)
def test_option_errors_are_one_line_exit_2(arguments, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner().invoke(main, arguments)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith("briefing: error: ")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "raised", [ImportError("numpy._core.multiarray failed to import"), BriefingError("ffmpeg failed")]
)
def test_an_error_raised_once_ctrl_c_has_arrived_is_reported_as_the_interruption(raised, tmp_path, monkeypatch):
    # A library can turn the KeyboardInterrupt into an error of its own (ONNX Runtime, when Ctrl-C
    # lands while it imports numpy), and a child process ended with the group fails.
    monkeypatch.setattr(interrupts, "_received", signal.SIGINT)

    def interrupted_make(*args, **kwargs):
        raise raised

    monkeypatch.setattr(cli, "make", interrupted_make)
    (tmp_path / "a.txt").write_text("Title\n\nA sentence.\n")
    result = runner().invoke(main, ["make", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 130 and result.stderr == "briefing: interrupted\n", result.stderr


def test_an_interrupt_python_could_not_raise_still_stops_the_command(monkeypatch, capsys):
    # As when Ctrl-C lands in logging's after-fork handler while Piper's workers are forked: the
    # interpreter reports the KeyboardInterrupt as unraisable instead of raising it.
    monkeypatch.setattr(interrupts, "_received", signal.SIGINT)
    with pytest.raises(SystemExit) as stopped:
        interrupts._unraisable(
            SimpleNamespace(
                exc_type=KeyboardInterrupt, exc_value=KeyboardInterrupt(), exc_traceback=None, err_msg=None, object=None
            )
        )
    assert stopped.value.code == 130 and capsys.readouterr().err == "briefing: interrupted\n"
