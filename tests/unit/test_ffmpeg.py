"""Which ffmpeg briefing uses: the user's own when it can do the work, else the bundled one."""

import json
import os
import shutil
import stat

import pytest

from briefing import ffmpeg


@pytest.fixture
def fresh_choice(monkeypatch):
    monkeypatch.delenv("BRIEFING_FFMPEG", raising=False)
    ffmpeg.ffmpeg_exe.cache_clear()
    yield
    ffmpeg.ffmpeg_exe.cache_clear()


def put_on_path(monkeypatch, folder, script: str) -> str:
    fake = folder / "ffmpeg"
    fake.write_text(script)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return str(fake)


def test_a_system_ffmpeg_that_lacks_a_filter_is_passed_over_for_the_bundled_one(tmp_path, monkeypatch, fresh_choice):
    # As an old or minimal build answers a filter it does not have.
    put_on_path(monkeypatch, tmp_path, "#!/bin/sh\necho \"No such filter: 'alimiter'\" >&2\nexit 1\n")
    assert ffmpeg.ffmpeg_exe() == ffmpeg.bundled_ffmpeg()


def test_a_system_ffmpeg_that_can_do_the_work_is_used(tmp_path, monkeypatch, fresh_choice):
    # A wrapper around a real ffmpeg stands for the user's own.
    real = ffmpeg.bundled_ffmpeg()
    wrapper = put_on_path(monkeypatch, tmp_path, f'#!/bin/sh\nexec "{real}" "$@"\n')
    assert ffmpeg.can_master(wrapper)
    assert ffmpeg.ffmpeg_exe() == wrapper


def test_briefing_ffmpeg_names_the_binary(monkeypatch, fresh_choice):
    monkeypatch.setenv("BRIEFING_FFMPEG", "/opt/ffmpeg/bin/ffmpeg")
    assert ffmpeg.ffmpeg_exe() == "/opt/ffmpeg/bin/ffmpeg"


def test_a_missing_binary_cannot_master():
    assert not ffmpeg.can_master("/nonexistent/ffmpeg")
    assert ffmpeg.version("/nonexistent/ffmpeg") == "unknown"


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="no system ffmpeg on PATH")
def test_the_system_ffmpeg_here_can_master():
    # scripts/test installs the distribution's ffmpeg (Debian 12: 5.1) so this runs in CI.
    assert ffmpeg.can_master(shutil.which("ffmpeg")), ffmpeg.version(shutil.which("ffmpeg"))


def test_the_verdict_on_a_system_ffmpeg_is_kept_until_that_file_changes(tmp_path, monkeypatch, fresh_choice):
    real = ffmpeg.bundled_ffmpeg()
    runs = tmp_path / "runs"
    wrapper = put_on_path(monkeypatch, tmp_path, f'#!/bin/sh\necho run >> "{runs}"\nexec "{real}" "$@"\n')

    def choose() -> str:
        ffmpeg.ffmpeg_exe.cache_clear()  # as a new process would
        return ffmpeg.ffmpeg_exe()

    assert choose() == wrapper and choose() == wrapper
    assert runs.read_text().count("run") == 1  # probed once, then the kept verdict

    # Changed (upgraded, or replaced by a build without a filter): probed again, and passed over.
    put_on_path(
        monkeypatch, tmp_path, f'#!/bin/sh\necho run >> "{runs}"\necho "No such filter: \'alimiter\'" >&2\nexit 1\n'
    )
    assert choose() == ffmpeg.bundled_ffmpeg() and choose() == ffmpeg.bundled_ffmpeg()
    assert runs.read_text().count("run") == 2


def test_a_damaged_record_of_verdicts_means_probing_again(tmp_path, monkeypatch, fresh_choice):
    from briefing.files import user_cache_folder

    wrapper = put_on_path(monkeypatch, tmp_path, f'#!/bin/sh\nexec "{ffmpeg.bundled_ffmpeg()}" "$@"\n')
    user_cache_folder().mkdir(parents=True, exist_ok=True)
    (user_cache_folder() / ffmpeg.CHECKS_FILE).write_text('{"half written')
    assert ffmpeg.ffmpeg_exe() == wrapper
    assert len(json.loads((user_cache_folder() / ffmpeg.CHECKS_FILE).read_text())) == 1
