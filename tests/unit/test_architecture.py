"""The shape of the package, read from its imports (inside functions too): data walks one way
through the stage packages, the shared edges import no stage, and nothing imports in a circle."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "briefing"
STAGES = ["ingest", "script", "tts", "audio", "publish", "quality"]  # the order data walks in
ORCHESTRATION = {
    "pipeline",
    "dryrun",
    "cli",
    "clioptions",
    "batch",
    "config",
    "options",
    "service",
    "__init__",
    "__main__",
}  # above every stage


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Each module of briefing -> the modules of briefing it imports."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    found: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                # `from . import ffmpeg` imports the module briefing.ffmpeg, not the package
                submodules = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in modules]
                candidates = submodules + ([target] if len(submodules) < len(node.names) else [])
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                continue
            for candidate in candidates:
                if candidate in modules and candidate != name:
                    found[name].add(candidate)
    return found


def place(module: str) -> tuple[str, int | None]:
    """(where it lives, its stage number or None): a stage, orchestration, or a shared edge."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in STAGES:
        return parts[1], STAGES.index(parts[1])
    if len(parts) == 1 or parts[1] in ORCHESTRATION:
        return "orchestration", None
    return "edge", None


def test_no_stage_imports_a_later_stage_and_edges_import_no_stage():
    backward = []
    for module, targets in imports().items():
        where, stage = place(module)
        for target in targets:
            target_where, target_stage = place(target)
            if target_where == "orchestration" and where != "orchestration":
                backward.append(f"{module} -> {target} (orchestration is above every stage)")
            elif where == "edge" and target_stage is not None:
                backward.append(f"{module} -> {target} (a shared edge imports a stage)")
            elif stage is not None and target_stage is not None and target_stage > stage:
                backward.append(f"{module} -> {target} (stage {where} imports the later stage {target_where})")
    assert not backward, "\n".join(sorted(backward))


def test_no_import_cycles():
    graph = imports()
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


def test_every_stage_is_a_package_and_the_top_holds_only_edges_and_orchestration():
    assert all((PACKAGE / stage / "__init__.py").is_file() for stage in STAGES)
    top = {path.stem for path in PACKAGE.glob("*.py")}
    edges = top - ORCHESTRATION
    assert edges <= {"errors", "files", "ffmpeg", "retry", "cache", "model", "addresses", "interrupts", "settings"}, (
        edges
    )


# Each stage's front door, exported from its package: the pipeline calls these and nothing inside.
FRONT_DOORS = {
    "ingest": ["read", "IngestOptions"],
    "script": ["write", "render", "WritingOptions"],
    "tts": ["Speaker", "VoiceOptions"],
    "audio": ["render", "AudioOptions"],
    "publish": ["write", "PublishOptions"],
}


def test_every_stage_has_a_front_door_in_its_package():
    for stage, names in FRONT_DOORS.items():
        module = importlib.import_module(f"briefing.{stage}")
        missing = [name for name in names if name not in getattr(module, "__all__", ())]
        assert not missing, f"briefing.{stage} does not export {missing}"


def test_the_pipeline_reads_as_the_pipeline():
    """Short, calling the stages by their front doors: it names no engine, audio format or side file."""
    source = (PACKAGE / "pipeline.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 250
    called = {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
    inside = {name for name in called if name and name.count(".") >= 1 and name.split(".")[0] in STAGES}
    allowed = {"audio.pace", "audio.master", "script.scriptfile", "quality.check"}
    assert inside <= allowed, inside - allowed
    for word in ("piper", "gtts", "espeak", ".mp3", ".m4a", ".vtt", ".srt", "feed.xml"):
        assert word not in source.lower(), word


def string_constants(path: Path) -> list[str]:
    """The string literals of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_the_folders_file_names_are_written_in_one_module():
    layout = PACKAGE / "publish" / "layout.py"
    names = ("feed.xml", "index.html", "cover.png", "manifest.webmanifest", "sw.js")
    written = [
        f"{path.relative_to(PACKAGE)}: {text!r}"
        for path in PACKAGE.rglob("*.py")
        if path != layout
        for text in string_constants(path)
        if any(name in text for name in names)
    ]
    assert not written, "\n".join(written)


def test_the_page_holds_no_style_or_script_text():
    """The page's CSS and JavaScript are package files (publish/static/), its HTML templates."""
    text = (PACKAGE / "publish" / "page.py").read_text(encoding="utf-8")
    assert "<style" not in text and "<script" not in text
    assert (PACKAGE / "publish" / "static" / "page.js").is_file()


def function_level_imports() -> list[tuple[Path, int, bool]]:
    """(file, line, whether a comment gives its reason) for every import inside a function."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for function in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    line, above = lines[node.lineno - 1], lines[node.lineno - 2].strip()
                    found.append((path, node.lineno, "#" in line or above.startswith("#")))
    return sorted(set(found))


def test_an_import_inside_a_function_says_why():
    """Imports go at the top of the module, unless a measured start-up cost says otherwise: then a
    comment says which. The count is held (26 at the last count, from 123): a new one must be worth it."""
    imports = function_level_imports()
    unexplained = [f"{path.relative_to(PACKAGE)}:{line}" for path, line, explained in imports if not explained]
    assert not unexplained, "\n".join(unexplained)
    assert len(imports) <= 26


def test_the_command_starts_without_the_libraries_its_lazy_imports_keep_out():
    """What those imports are for: the command line starts (`briefing --help`, `briefing voices`)
    without the speech runtime, the web client, the cluster or the server, which each command that
    needs them imports."""
    heavy = [
        "numpy",
        "onnx",
        "onnxruntime",
        "piper",
        "requests",
        "gtts",
        "distributed",
        "uvicorn",
        "feedparser",
        "rich",
    ]
    probe = f"import sys, briefing.cli; print([name for name in {heavy!r} if name in sys.modules])"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
