"""Where a podcast folder is pushed: one module each in this folder, registered in base.py.
Importing this package imports every module of the folder, so a new destination is one new file."""

import importlib
import pkgutil

from .base import Destination, Stored, destination_for, register

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Destination", "Stored", "destination_for", "register"]
