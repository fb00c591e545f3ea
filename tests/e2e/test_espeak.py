"""The espeak-ng engine, where espeak-ng is installed (scripts/test installs it with apt-get when it can)."""

import json
from pathlib import Path

from click.testing import CliRunner
from helpers import needs_espeak

from briefing.cli import main


@needs_espeak
def test_make_with_espeak(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Headline\n\nOne short sentence.")
    result = CliRunner().invoke(main, ["make", str(source), "--engine", "espeak", "-o", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    meta = json.loads(Path(result.output.strip()).with_suffix(".json").read_text())
    assert meta["engine"] == "espeak"
