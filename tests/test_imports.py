"""The house's floors: no import circle, no import that runs back up a floor, settings as a leaf.

A newcomer finds the flow mic -> frames -> loudness/VAD + recogniser -> detectors -> session -> prompts ->
speaker in the floors below; a module that imports from a floor above it (or from itself round a circle)
is a room in the wrong place. Every import counts, also one inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
# Each top-level room of vertraag and its floor: a room imports only from lower floors (and itself).
FLOORS = {
    "vertraag": 0,  # the package itself (its version)
    "errors": 0,
    "config": 1,
    "events": 1,
    "phrases": 1,
    "datafile": 2,
    "audio": 2,
    "models": 2,
    "known": 3,
    "loudness": 3,
    "vad": 4,
    "recognize": 3,
    "speak": 3,
    "voices": 3,
    "detect": 4,
    "render": 5,
    "pipeline": 5,
    "enroll": 5,  # knowing the voices from calm speech (voices/ + vad)
    "session": 6,
    "report": 7,
    "assemble": 8,
    "start": 9,
    "display": 10,
}
COMMANDS = 11  # cli.py, cli_*.py, __main__.py: the top floor


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            graph[module] |= {n for n in names if n in modules and n != module}
    return graph


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _floor(module: str) -> int:
    room = _room(module)
    if room == "__main__" or room == "cli" or room.startswith("cli_"):
        return COMMANDS
    return FLOORS[room]


def _circle(graph: dict[str, set[str]]) -> list[str]:
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return []
        done.add(module)
        path.append(module)
        for other in sorted(graph[module]):
            if (found := visit(other)):
                return found
        path.pop()
        return []

    for module in sorted(graph):
        if (found := visit(module)):
            return found
    return []


def test_no_import_circle() -> None:
    graph = _graph()
    # A package's __init__ importing its own modules is how a package shows its public names: not a circle.
    for module in graph:
        graph[module] = {n for n in graph[module] if not module.startswith(n + ".")}
    assert _circle(graph) == []


def test_every_room_has_a_floor() -> None:
    unplaced = {_room(m) for m in _modules()} - set(FLOORS) - {"__main__", "cli"}
    assert {r for r in unplaced if not r.startswith("cli_")} == set()


def test_no_import_runs_up_a_floor() -> None:
    upward = [
        f"{module} -> {other}"
        for module, others in _graph().items()
        for other in others
        if _room(module) != _room(other) and _floor(other) > _floor(module)
    ]
    assert upward == []


def test_settings_are_a_leaf() -> None:
    """config/ imports nothing of vertraag but the user's error: every floor may read its settings."""
    outside = {
        other
        for module, others in _graph().items()
        if _room(module) == "config"
        for other in others
        if _room(other) not in ("config", "errors")
    }
    assert outside == set()


def test_sounddevice_is_imported_in_one_module() -> None:
    importers = sorted(
        module
        for module, path in _modules().items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import) and any(a.name == "sounddevice" for a in node.names)
    )
    assert importers == ["vertraag.audio.devices"]


def test_the_readmes_rooms_exist() -> None:
    """Every file or folder README's "How it is built" names is there (so the map matches the house)."""
    readme = (SRC.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## How it is built", 1)[1].split("```", 2)[1]
    words = (w.rstrip(",") for line in block.splitlines() for w in line[:43].split())
    named = {w for w in words if w.endswith((".py", "/"))}
    roots = (SRC / "vertraag", SRC.parent)
    missing = sorted(n for n in named if not any((root / n).exists() for root in roots))
    assert missing == [], missing
