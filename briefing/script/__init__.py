"""Stage 2, script: articles cleaned and turned into a spoken script of engine-sized segments.

The front door is write() (writing.py): stories in, a Draft out; compose.render() cuts a Draft into
the Script of Segments the engines speak. cleaning.py drops boilerplate blocks, speech.py and
lexicon.py normalise text for speech, budget.py condenses to a time, scriptfile.py reads and writes
the editable Markdown script.
"""

from . import budget
from .compose import ScriptOptions, render
from .scriptfile import is_script_file, read_script
from .writing import WritingOptions, script_options, write

__all__ = [
    "ScriptOptions",
    "budget",
    "WritingOptions",
    "is_script_file",
    "read_script",
    "render",
    "script_options",
    "write",
]
