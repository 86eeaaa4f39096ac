"""The package's shape: no import cycles, and the help screen agrees with each command."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from finder.cli import COMMANDS, LazyGroup

PACKAGE = Path(__file__).resolve().parent.parent / "finder"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the finder modules it imports, at module level or inside functions."""
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    kept = package[: len(package) - node.level + 1]
                    base = ".".join([*kept, base] if base else kept)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            for target in targets:
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                # A package's __init__ importing its own modules (and the reverse) is not a cycle.
                inside = name.startswith(target + ".") or target.startswith(name + ".")
                if target and target != name and not inside:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_import_graph_sees_imports_inside_functions() -> None:
    graph = import_graph()
    # finder.cli.records imports the import pipeline only inside the import command.
    assert "finder.ingest.pipeline" in graph["finder.cli.records"]


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


KEPT = "# kept here"


def _is_import(line: str) -> bool:
    return line.lstrip().startswith(("import ", "from ")) or line.lstrip().startswith(")")


def unexplained_imports(source: str) -> list[int]:
    """Lines of imports inside functions that no ``# kept here: why`` comment covers.

    The comment sits on the import's own line or on the line above its block of imports
    (one comment may cover several imports kept for the same reason).
    """
    lines = source.splitlines()
    inner: dict[int, ast.stmt] = {}
    for fn in ast.walk(ast.parse(source)):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    inner[node.lineno] = node
    covered = {n for node in inner.values() for n in range(node.lineno, (node.end_lineno or 0) + 1)}
    missing = []
    for lineno, node in sorted(inner.items()):
        if any(KEPT in line for line in lines[lineno - 1 : node.end_lineno]):
            continue
        above = lineno - 1  # 1-based number of the line above
        while above >= 1 and (
            above in covered or (not lines[above - 1].strip() and above - 1 in covered)
        ):
            above -= 1
        if above < 1 or not lines[above - 1].strip().startswith(KEPT):
            missing.append(lineno)
    return missing


def test_the_kept_here_check_finds_an_unexplained_import() -> None:
    source = """
def slow():
    # kept here: openpyxl costs 100 ms at start-up
    import openpyxl
    import lxml

    import bs4
    return openpyxl, lxml, bs4


def careless():
    import json
    return json
"""
    assert unexplained_imports(source) == [12]


def test_every_import_inside_a_function_says_why_it_is_kept_there() -> None:
    missing = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := unexplained_imports(path.read_text(encoding="utf-8")))
    }
    assert missing == {}


# Libraries `finder --help` must not load: each costs milliseconds a help screen does not need.
HEAVY = (
    "httpx", "openpyxl", "bs4", "lxml", "rich", "pypdfium2", "rapidfuzz", "phonenumbers",
    "tinydb", "orjson", "platformdirs", "markupsafe",
)  # fmt: skip
# And none that any command's start-up need not load: the ones only some commands use.
RARE = ("httpx", "openpyxl", "bs4", "lxml", "pypdfium2", "rapidfuzz", "phonenumbers")


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_the_help_screen_loads_no_heavy_library() -> None:
    loaded = _loaded_after(
        "from finder.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert "finder.cli" in loaded
    assert sorted(name for name in HEAVY if name in loaded) == []
    assert sorted(m for m in loaded if m.startswith("finder.records")) == []


def test_no_command_module_loads_what_only_some_commands_use() -> None:
    modules = sorted({target.partition(":")[0] for target, _ in COMMANDS.values()})
    loaded = _loaded_after("\n".join(f"import {name}" for name in modules))
    assert set(modules) <= loaded
    assert sorted(name for name in RARE if name in loaded) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_screen_line_is_the_commands_own_first_help_line(name: str) -> None:
    import click

    command = LazyGroup().get_command(click.Context(click.Group()), name)
    assert command is not None
    own = (command.help or "").strip().splitlines()[0]
    assert COMMANDS[name][1] == own
