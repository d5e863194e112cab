"""course_lib's architecture, checked (CONTRIBUTING.md, "How the library is layered").

* the import-linter contracts in pyproject.toml hold: each layer imports only the layers below it,
  and no topic package imports a sibling topic;
* every module of course_lib is in one of those layers, so a new module cannot slip past them;
* no module is longer than 300 lines;
* an import of course_lib's own modules inside a function says why on the same line
  (``# local import: <reason>``): such an import must never hide a cycle;
* no block of six or more lines stands twice in course_lib.
"""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "course_lib"
MAX_LINES = 300
REPEAT_LINES = 6
LOCAL_IMPORT_TAG = "# local import:"
# Entry points run by hand (notebook 00's environment report, `python -m course_lib.prepare`), outside the layers.
ENTRY_POINTS = {"course_lib.environment", "course_lib.prepare"}


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _modules():
    return sorted(p for p in LIB.rglob("*.py") if "__pycache__" not in p.parts)


def _lint_imports() -> str:
    exe = Path(sys.executable).parent / "lint-imports"
    command = str(exe) if exe.exists() else shutil.which("lint-imports")
    if command is None:
        pytest.fail("lint-imports is missing: install the test requirements (pip install -r requirements-dev.txt)")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([command, "--no-cache", "--no-logo"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    return done.returncode, done.stdout + done.stderr


def test_import_contracts_are_kept():
    code, report = _lint_imports()
    n = len(_config()["contracts"])
    assert code == 0 and f"Contracts: {n} kept, 0 broken." in report, report


def test_every_module_is_in_a_layer_and_every_topic_is_independent():
    contracts = {c["id"]: c for c in _config()["contracts"]}
    layers = [[name.strip(" ()") for name in layer.replace(":", "|").split("|")]
              for layer in contracts["layers"]["layers"]]
    layered = {name for layer in layers for name in layer}
    top_level = {f"course_lib.{p.stem}" for p in LIB.glob("*.py") if p.stem != "__init__"}
    top_level |= {f"course_lib.{p.parent.name}" for p in LIB.glob("*/__init__.py")}
    assert sorted(top_level - layered - ENTRY_POINTS) == []
    assert sorted(layered - top_level) == []                     # no layer names a module that is gone
    topic_layer = max(layers, key=len)                           # the widest layer: the topic packages
    assert sorted(contracts["topics"]["modules"]) == sorted(topic_layer)


def test_no_module_is_longer_than_300_lines():
    long = {str(p.relative_to(LIB)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def _local_imports(path: Path):
    """(line number, line) of each import of a course_lib module inside a function of ``path``."""
    source = path.read_text()
    lines = source.splitlines()
    seen = set()
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(fn):
            own = (isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith("course_lib"))
                   or isinstance(node, ast.Import) and any(a.name.startswith("course_lib") for a in node.names))
            if own and node.lineno not in seen:
                seen.add(node.lineno)
                yield node.lineno, lines[node.lineno - 1]


def test_function_local_imports_of_course_lib_say_why():
    unexplained = [f"{p.relative_to(LIB)}:{n}: {line.strip()}"
                   for p in _modules()
                   for n, line in _local_imports(p) if LOCAL_IMPORT_TAG not in line]
    assert unexplained == []


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, stripped line) of the lines that carry code: no blanks, comments or lone brackets."""
    out = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        text = line.strip()
        if text and not text.startswith("#") and len(text.strip("()[]{},:")) > 0:
            out.append((n, text))
    return out


def _is_boilerplate(block: tuple[str, ...]) -> bool:
    """Imports and docstring-only text repeat by nature; they are not copied logic."""
    return all(line.startswith(("from ", "import ")) for line in block)


def test_no_block_of_six_lines_is_repeated():
    places = defaultdict(list)
    for path in _modules():
        lines = _code_lines(path)
        for i in range(len(lines) - REPEAT_LINES + 1):
            block = tuple(text for _, text in lines[i:i + REPEAT_LINES])
            if not _is_boilerplate(block):
                places[block].append(f"{path.relative_to(LIB)}:{lines[i][0]}")
    repeated = {block[0]: where for block, where in places.items() if len(where) > 1}
    assert repeated == {}
