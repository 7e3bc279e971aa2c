"""The tree is the dependency graph (docs/architecture.md): each layer of `bot/` imports only the
layers its row allows, there is no import cycle — counting `TYPE_CHECKING` and function-level
imports — function-level imports of `bot.*` stay where they keep `rapport --help` light (and it
is: the parser's modules import nothing heavy), the domain imports only the standard library,
and only the composition root builds use cases.

The checks run on a module graph read from source with `ast`; the same functions are run on
synthetic graphs below, so each rule is shown to fail on a violation, not only to pass on main.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.kit import heavy_imports

ROOT = Path(__file__).resolve().parents[1]

# Module prefix -> layer; the longest matching prefix wins.
LAYERS: Mapping[str, str] = {
    "bot": "entry",
    "bot.__main__": "entry",
    "bot.cli": "entry",
    "bot.console": "console",
    "bot.slack": "slack",
    "bot.handlers": "handlers",
    "bot.app": "root",
    "bot.blocks": "blocks",
    "bot.reminders": "reminders",
    "bot.standing": "standing",
    "bot.channels": "channels",
    "bot.channels.calendars": "calendars",
    "bot.notes": "notes",
    "bot.usecases": "usecases",
    "bot.store": "store",
    "bot.parsing": "parsing",
    "bot.domain": "domain",
    "bot.config": "config",
}
# What each layer may import besides itself. Adapters (console, slack, handlers) never reach the
# store: they call the use cases the root hands them; features import only downwards.
ALLOWED: Mapping[str, frozenset[str]] = {
    "entry": frozenset({"console", "slack", "root", "store", "domain", "config"}),
    "console": frozenset({"slack", "root", "blocks", "reminders", "domain", "config"}),
    "slack": frozenset({"handlers", "root", "blocks", "reminders", "domain", "config"}),
    "handlers": frozenset({"root", "blocks", "domain"}),
    "root": frozenset(
        {
            "blocks",
            "reminders",
            "standing",
            "channels",
            "notes",
            "usecases",
            "store",
            "domain",
            "config",
        }
    ),
    "blocks": frozenset({"domain"}),
    "reminders": frozenset({"standing", "notes", "usecases", "store", "domain"}),
    "standing": frozenset({"notes", "usecases", "store", "domain"}),
    # Meetings from calendars become interactions through the notes queries; the reader of
    # what outside systems send (ICS bytes, an HTTP fetch) is pure, like the parser.
    "channels": frozenset({"calendars", "notes", "usecases", "store", "domain"}),
    "calendars": frozenset({"domain"}),
    "notes": frozenset({"usecases", "store", "parsing", "domain"}),
    "usecases": frozenset({"store", "domain"}),
    "store": frozenset({"domain"}),
    "parsing": frozenset({"domain"}),
    "domain": frozenset(),
    "config": frozenset(),
}
# Function-level `bot.*` imports are allowed only here, where they keep `rapport --help` free of
# SQLModel, bolt, slack_sdk and pydantic: the entry point and the console's Slack notifier.
LAZY_ALLOWED: frozenset[str] = frozenset({"bot.cli", "bot.console.notifier"})
STDLIB_ONLY: frozenset[str] = frozenset({"domain"})


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # "top" | "type_checking" | "function"
    line: int


def modules(package: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path) -> list[tuple[str, str, int]]:
    """(imported module, kind, line) for every import in the file, wherever it stands."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    out: list[tuple[str, str, int]] = []

    def visit(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            here = kind
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                here = "function"
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                here = "type_checking" if kind == "top" else kind
            if isinstance(child, ast.Import):
                out.extend((alias.name, here, child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from x import y` is an import of x.y when y is a module, else of x.
                out.extend((f"{base}.{alias.name}", here, child.lineno) for alias in child.names)
            visit(child, here)

    visit(ast.parse(path.read_text(), filename=str(path)), "top")
    return out


def graph(package: Path) -> list[Edge]:
    """Edges between modules of the package (a `from x import name` of a submodule counts as an
    import of that submodule)."""
    known = modules(package)
    edges: dict[tuple[str, str, str], Edge] = {}
    for name, path in known.items():
        for target, kind, line in imports(name, path):
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                edges.setdefault((name, target, kind), Edge(name, target, kind, line))
    return list(edges.values())


def layer_of(module: str, layers: Mapping[str, str] = LAYERS) -> str:
    best = max((p for p in layers if module == p or module.startswith(p + ".")), key=len)
    return layers[best]


def layer_violations(
    edges: Iterable[Edge],
    layers: Mapping[str, str] = LAYERS,
    allowed: Mapping[str, frozenset[str]] = ALLOWED,
) -> list[str]:
    bad = []
    for edge in edges:
        source, target = layer_of(edge.source, layers), layer_of(edge.target, layers)
        if source != target and target not in allowed[source]:
            bad.append(f"{edge.source}:{edge.line} ({source}) imports {edge.target} ({target})")
    return sorted(bad)


def cycles(edges: Iterable[Edge]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), every kind of import
    counted."""
    succ: dict[str, set[str]] = {}
    for edge in edges:
        succ.setdefault(edge.source, set()).add(edge.target)
        succ.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(succ[node]):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(succ):
        if node not in index:
            connect(node)
    return found


def lazy_violations(edges: Iterable[Edge], allowed: frozenset[str] = LAZY_ALLOWED) -> list[str]:
    return sorted(
        f"{e.source}:{e.line} imports {e.target} inside a function"
        for e in edges
        if e.kind == "function" and e.source not in allowed
    )


def third_party(package: Path, layer: str, layers: Mapping[str, str] = LAYERS) -> list[str]:
    """Imports of anything but the standard library and `bot` in the modules of `layer`."""
    stdlib = sys.stdlib_module_names | {"__future__"}
    bad = []
    for name, path in modules(package).items():
        if layer_of(name, layers) != layer:
            continue
        for target, _kind, line in imports(name, path):
            top = target.split(".")[0]
            if top and top not in stdlib and top != package.name:
                bad.append(f"{name}:{line} imports {top}")
    return sorted(set(bad))


# --- the rules, on bot/ -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    return graph(ROOT / "bot")


def test_every_module_has_a_layer() -> None:
    for name in modules(ROOT / "bot"):
        assert layer_of(name) in ALLOWED, name


def test_each_layer_imports_only_what_its_row_allows(edges: list[Edge]) -> None:
    assert layer_violations(edges) == []


def test_no_import_cycle_counting_type_checking_and_function_imports(edges: list[Edge]) -> None:
    assert {e.kind for e in edges} >= {"top", "type_checking", "function"}  # all were read
    assert cycles(edges) == []


def test_function_level_imports_only_keep_help_light(edges: list[Edge]) -> None:
    assert lazy_violations(edges) == []


def test_the_domain_imports_only_the_standard_library() -> None:
    assert third_party(ROOT / "bot", "domain") == []


@pytest.mark.parametrize(
    "module",
    [
        "bot.cli",
        "bot.console.notes",
        "bot.console.reminders",
        "bot.console.standing",
        "bot.console.repl",
    ],
)
def test_rapport_help_imports_nothing_heavy(module: str) -> None:
    """`rapport --help` imports bot.cli and bot/console/args.py, and the console's command
    modules are imported by every console command: none loads the store, bolt, slack_sdk, the
    scheduler, pydantic or dateparser (DESIGN: keep light commands light)."""
    assert heavy_imports(module) == []


def test_only_the_composition_root_builds_use_cases() -> None:
    """Every class built on bot.usecases.UseCases is instantiated in bot/app.py alone."""
    trees = {name: ast.parse(path.read_text()) for name, path in modules(ROOT / "bot").items()}
    use_cases = {
        node.name
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base) == "UseCases" for base in node.bases)
    }
    assert {"Logbook", "Recall", "Cadences", "Delivery", "Standing", "Reviews"} <= use_cases
    built = sorted(
        f"{name} builds {node.func.id}"
        for name, tree in trees.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in use_cases
        and name != "bot.app"
    )
    assert built == []


# --- the checks fail on violations --------------------------------------------------------------


def write(root: Path, files: Mapping[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "bot"


def test_a_store_import_from_a_handler_is_a_layer_violation(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "bot/__init__.py": "",
            "bot/handlers/__init__.py": "",
            "bot/handlers/home.py": "from bot.store.repo import visible\n",
            "bot/store/__init__.py": "",
            "bot/store/repo.py": "visible = 1\n",
        },
    )
    assert layer_violations(graph(package)) == [
        "bot.handlers.home:1 (handlers) imports bot.store.repo (store)"
    ]


def test_a_feature_importing_upwards_is_a_layer_violation(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "bot/__init__.py": "",
            "bot/notes/__init__.py": "",
            "bot/notes/log.py": "def f():\n    from bot.reminders import due\n",
            "bot/reminders/__init__.py": "",
            "bot/reminders/due.py": "",
        },
    )
    edges = graph(package)
    assert layer_violations(edges) == [
        "bot.notes.log:2 (notes) imports bot.reminders.due (reminders)"
    ]
    assert lazy_violations(edges) == ["bot.notes.log:2 imports bot.reminders.due inside a function"]


def test_a_cycle_hidden_behind_type_checking_and_a_function_is_found(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "bot/__init__.py": "",
            "bot/a.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from bot import b\n",
            "bot/b.py": "def g():\n    import bot.c\n",
            "bot/c.py": "from bot.a import x\n",
        },
    )
    edges = graph(package)
    assert {e.kind for e in edges} == {"type_checking", "function", "top"}
    assert cycles(edges) == [["bot.a", "bot.b", "bot.c"]]


def test_a_third_party_import_in_the_domain_is_found(tmp_path: Path) -> None:
    package = write(
        tmp_path,
        {
            "bot/__init__.py": "",
            "bot/domain/__init__.py": "",
            "bot/domain/names.py": "import re\nfrom sqlmodel import Field\n",
        },
    )
    assert third_party(package, "domain") == ["bot.domain.names:2 imports sqlmodel"]
