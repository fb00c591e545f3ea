"""Bad input of every kind: one line on stderr, exit status 2, nothing written. And Ctrl-C."""

import io
import zipfile

import pytest
from conftest import Reply, runner
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
    write("not-music.mp3", "not audio")
    write("a-file", "x")
    Image.new("RGB", (2000, 1400)).save(tmp_path / "wide.png")
    (tmp_path / "folder").mkdir()

    def answer(method, path, body):
        return {
            "/404": Reply(404, b"gone"), "/500": Reply(500, b"oops"),
            "/slow": Reply(200, b"<html>late</html>", {"Content-Type": "text/html"}, delay=3),
            "/loop": Reply(302, b"", {"Location": "/loop"}),
            "/zip": Reply(200, zipped.getvalue(), {"Content-Type": "application/zip"}),
            "/big": Reply(200, b"x" * 2_000_000, {"Content-Type": "text/html"}),
            "/empty": Reply(200, b"<html><body></body></html>", {"Content-Type": "text/html"}),
        }.get(path, Reply(404, b""))

    return tmp_path, local_server(answer).url


CASES = [
    # (arguments, with {d} the folder and {u} the server, expected part of the message)
    (["{d}/missing.txt"], "no such file"),
    (["{d}/folder"], "is a folder, not an article"),
    (["{d}/empty.txt"], "is empty"),
    (["{d}/blank.txt"], "is empty"),
    (["{d}/image.txt"], "not text"),
    (["{d}/archive.txt"], "not text"),
    (["{d}/huge.txt", "--max-input", "1MB"], "larger than the limit"),
    (["{d}/nobody.html"], "no article text found"),
    (["{d}/boilerplate.txt"], "no article text left after removing boilerplate"),
    (["file:///etc/passwd"], "unsupported URL scheme 'file'"),
    (["ftp://example.org/a.txt"], "unsupported URL scheme 'ftp'"),
    (["data:text/plain,hello"], "unsupported URL scheme 'data'"),
    (["javascript:alert(1)"], "unsupported URL scheme 'javascript'"),
    (["{u}/404"], "HTTP 404"),
    (["{u}/500"], "HTTP 500"),
    (["{u}/slow", "--timeout", "1"], "timed out"),
    (["{u}/loop"], "more than 5 redirects"),
    (["{u}/zip"], "application/zip, not an article"),
    (["{u}/big", "--max-input", "1MB"], "larger than 1048576 bytes"),
    (["{u}/empty"], "no article text found"),
    (["http://127.0.0.1:9/nothing"], "cannot fetch"),
    (["{d}/bad-script.md"], "bad-script.md line 6: unknown mark"),
    (["{d}/bad-front.md"], "bad-front.md line 2: front matter"),
    (["{d}/good.txt", "--engine", "nope"], "unknown engine 'nope'"),
    (["{d}/good.txt", "--voice", "nobody"], "unknown piper voice 'nobody'"),
    (["{d}/good.txt", "--engine", "gtts", "--lang", "xx"], "does not speak language 'xx'"),
    (["{d}/good.txt", "-o", "{d}/a-file/out"], "cannot write to output folder"),
    (["{d}/good.txt", "--music", "{d}/none.mp3"], "no such music file"),
    (["{d}/good.txt", "--music", "{d}/not-music.mp3"], "decoding music file"),
    (["{d}/good.txt", "--lexicon", "{d}/lexicon.toml"], "lexicon"),
    (["{d}/good.txt", "--lexicon", "{d}/none.toml"], "cannot read lexicon"),
    (["{d}/good.txt", "--keep-rule", "nope"], "unknown cleaning rule 'nope'"),
    (["{d}/good.txt", "--drop-rule", "(unclosed"], "bad drop pattern"),
    (["--from-feed", "{d}/missing.rss"], "nothing new to brief"),
    (["{d}/good.txt", "--since", "soon"], "--since takes an age"),
    (["{d}/good.txt", "--cache-max", "lots"], "a size must look like"),
    (["{d}/good.txt", "--publish", "--base-url", "https://x.org", "--artwork", "{d}/wide.png"], "it must be square"),
    ([], "no sources given"),
]


@pytest.mark.slow
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


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.slow
def test_text_in_other_encodings_is_read_not_refused(files):
    folder, _ = files
    for name, encoding in (("latin1.txt", "latin-1"), ("cp1252.txt", "cp1252"), ("utf16.txt", "utf-16")):
        (folder / name).write_bytes("Café crème\n\nUne phrase très simple à lire.".encode(encoding))
        result = runner().invoke(main, ["script", str(folder / name)])
        assert result.exit_code == 0 and "Café crème" in result.stdout, (name, result.stderr)


@pytest.mark.slow
def test_a_full_disk_is_one_line(files, monkeypatch):
    from briefing.audio.formats.mp3 import Mp3

    folder, _ = files

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Mp3, "write_tags", no_space)
    result = runner().invoke(main, ["make", str(folder / "good.txt"), "-o", str(folder / "out")])
    assert result.exit_code == 2 and result.stderr.strip().endswith("No space left on device")
    assert not [p for p in (folder / "out").iterdir() if not p.name.startswith(".")]


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
