"""Bad input of every kind: one line on stderr, exit status 2, nothing written. And Ctrl-C."""

import io
import zipfile

import pytest
from conftest import Reply, runner
from helpers import CASES
from PIL import Image

from briefing.cli import main

GOOD = "Headline\n\nA sentence to read."


@pytest.fixture
def files(tmp_path, local_server):
    """Inputs on disk and pages on a local server; returns (folder, server URL)."""

    def write(name: str, data: bytes | str) -> str:
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        return str(path)

    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("a.txt", "hello")
    image = io.BytesIO()
    Image.new("RGB", (8, 8)).save(image, format="PNG")
    write("empty.txt", "")
    write("blank.txt", "  \n\n \t \n")
    write("image.txt", image.getvalue())
    write("archive.txt", zipped.getvalue())
    write("huge.txt", "word " * 300_000)
    write("nobody.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    write("good.txt", GOOD)
    write("boilerplate.txt", "Headline\n\nSubscribe to our newsletter\n\nShare this article")
    write("bad-script.md", '+++\ntitle = "T"\n+++\n# Story\nText\n[pause soon]\n')
    write("bad-front.md", '+++\ntitle = "T\n+++\n# Story\nText\n')
    write("lexicon.toml", "[words\n")
    write("voice-number.md", '+++\ntitle = "T"\nvoice = 5\n+++\n# Story\nText\n')
    write("nul.md", '+++\ntitle = "T"\n+++\n# Story\nSome \x00 text\n')
    write("lexicon-table.toml", "[words]\nHaftar = { say = { x = 1 } }\n")
    write("lexicon-empty.toml", '[words]\n"" = "nothing"\n')
    write("not-music.mp3", "not audio")
    write("a-file", "x")
    Image.new("RGB", (2000, 1400)).save(tmp_path / "wide.png")
    Image.new("1", (12000, 12000)).save(tmp_path / "huge.png")  # past PIL's decompression-bomb warning
    (tmp_path / "folder").mkdir()

    def answer(method, path, body):
        return {
            "/404": Reply(404, b"gone"),
            "/500": Reply(500, b"oops"),
            "/slow": Reply(200, b"<html>late</html>", {"Content-Type": "text/html"}, delay=3),
            "/loop": Reply(302, b"", {"Location": "/loop"}),
            "/zip": Reply(200, zipped.getvalue(), {"Content-Type": "application/zip"}),
            "/big": Reply(200, b"x" * 2_000_000, {"Content-Type": "text/html"}),
            "/empty": Reply(200, b"<html><body></body></html>", {"Content-Type": "text/html"}),
        }.get(path, Reply(404, b""))

    return tmp_path, local_server(answer).url


@pytest.mark.parametrize("arguments, message", CASES, ids=[" ".join(a)[:40] or "nothing" for a, _ in CASES])
def test_bad_input(files, arguments, message, monkeypatch):
    folder, url = files
    monkeypatch.chdir(folder)
    arguments = [a.format(d=folder, u=url) for a in arguments]
    out = folder / "out"
    if "-o" not in arguments:
        arguments += ["-o", str(out)]
    result = runner().invoke(main, ["make", *arguments])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("briefing: error: ")
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")]


def test_text_in_other_encodings_is_read_not_refused(files):
    folder, _ = files
    for name, encoding in (("latin1.txt", "latin-1"), ("cp1252.txt", "cp1252"), ("utf16.txt", "utf-16")):
        (folder / name).write_bytes("Café crème\n\nUne phrase très simple à lire.".encode(encoding))
        result = runner().invoke(main, ["script", str(folder / name)])
        assert result.exit_code == 0 and "Café crème" in result.stdout, (name, result.stderr)


def test_a_full_disk_is_one_line(files, monkeypatch):
    from briefing.audio.formats.mp3 import Mp3

    folder, _ = files

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Mp3, "write_tags", no_space)
    result = runner().invoke(main, ["make", str(folder / "good.txt"), "-o", str(folder / "out")])
    assert result.exit_code == 2 and result.stderr.strip().endswith("No space left on device")
    assert not [p for p in (folder / "out").iterdir() if not p.name.startswith(".")]
