"""The layout rules of ARCHITECTURE.md, checked on the code itself.

- Packages form layers; a package imports only from layers below it (and the foundation
  modules), so the import graph between packages has no cycle.
- A package is entered through its ``__init__``: no import names another package's
  private submodule or a private name.
- No module over 400 lines and no function over 60 lines, unless the module's docstring
  says why ("longer than 400 lines because", or names the function with "longer than
  60 lines because").
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "spinscope"

# Bottom to top: each entry may import from the entries before it.
# The foundation modules, bottom to top, below every package.
FOUNDATION = ("_errors", "_version", "_techniques", "_settings")
LAYERS = (
    "_ingest",
    "_pipeline",
    "_attribution",
    "_semeval",
    "_compare",
    "_formats",
    "_store",
    "_reports",
    "_batch",
    "_spacy",
    "train",
    "_web",
    "_cli",
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


@dataclass(frozen=True)
class Import:
    """One ``from X import names`` of a module, resolved to ``spinscope``-relative parts."""

    module: Path
    line: int
    target: tuple[str, ...]
    names: tuple[str, ...]


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def unit_of(path: Path) -> str:
    """The layer unit a file belongs to: its top-level package or module name."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def imports_of(path: Path) -> Iterator[Import]:
    rel = path.relative_to(PACKAGE).with_suffix("").parts
    package = rel[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = package[: len(package) - (node.level - 1)]
            target = (*base, *(node.module.split(".") if node.module else ()))
            yield Import(path, node.lineno, target, tuple(a.name for a in node.names))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("spinscope."):
            target = tuple(node.module.split(".")[1:])  # type: ignore[union-attr]
            yield Import(path, node.lineno, target, tuple(a.name for a in node.names))


def rank(unit: str) -> int:
    if unit in FOUNDATION:
        return FOUNDATION.index(unit) - len(FOUNDATION)
    return LAYERS.index(unit)


def test_every_package_is_placed_in_a_layer() -> None:
    units = {unit_of(p) for p in modules()} - {"__init__"}
    assert units <= set(FOUNDATION) | set(LAYERS), units - set(FOUNDATION) - set(LAYERS)


def layer_violations() -> list[str]:
    found = []
    for path in modules():
        unit = unit_of(path)
        if unit == "__init__":
            continue  # the public API re-exports from every layer
        for imp in imports_of(path):
            other = imp.target[0] if imp.target else "__init__"
            if other == unit:
                continue
            where = f"{path.relative_to(PACKAGE)}:{imp.line}"
            if other == "__init__":
                found.append(f"{where} imports the top-level package")
            elif rank(other) >= rank(unit):
                found.append(f"{where}: {unit} imports {other}, which is not below it")
    return found


def test_packages_import_only_from_layers_below() -> None:
    assert layer_violations() == []


def private_crossings() -> list[str]:
    found = []
    for path in modules():
        unit = unit_of(path)
        for imp in imports_of(path):
            if not imp.target or imp.target[0] == unit or imp.target[0] in FOUNDATION:
                continue
            where = f"{path.relative_to(PACKAGE)}:{imp.line}"
            if len(imp.target) > 1:
                found.append(f"{where} reaches into {'.'.join(imp.target)}")
            private = [n for n in imp.names if n.startswith("_") and n != "__version__"]
            if private:
                found.append(f"{where} imports private {private} from {imp.target[0]}")
    return found


def test_no_private_name_crosses_a_package_boundary() -> None:
    assert private_crossings() == []


def long_code() -> list[str]:
    found = []
    for path in modules():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        doc = (ast.get_docstring(tree) or "").replace("\n", " ")
        name = str(path.relative_to(PACKAGE))
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES and "longer than 400 lines because" not in doc:
            found.append(f"{name}: {lines} lines")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                excused = f"`{node.name}` is longer than 60 lines because" in doc
                if size > MAX_FUNCTION_LINES and not excused:
                    found.append(f"{name}:{node.lineno} {node.name}: {size} lines")
    return found


def test_modules_and_functions_stay_short() -> None:
    assert long_code() == []


def importers_of(top: str) -> set[str]:
    """The modules that import the third-party package ``top`` (or a module of it)."""
    found = set()
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            if any(n == top or n.startswith(f"{top}.") for n in names):
                found.add(str(path.relative_to(PACKAGE)))
    return found


def test_only_the_spacy_component_imports_spacy() -> None:
    # spaCy is an optional extra: everything else must work (and import fast) without it.
    assert importers_of("spacy") <= {"_spacy.py"}


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_says_what_it_is(path: Path) -> None:
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))


if __name__ == "__main__":
    for problem in [*layer_violations(), *private_crossings(), *long_code()]:
        print(problem)
