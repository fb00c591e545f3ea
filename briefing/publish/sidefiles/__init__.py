"""The side files written beside each episode's audio: one module each in this folder, registered in
base.py. Importing this package imports every module of the folder, so a new side file is one new
file here."""

import importlib
import pkgutil

from .base import Cue, SideFile, cues, register, side_file_media_type, side_files

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Cue", "SideFile", "cues", "register", "side_file_media_type", "side_files"]
