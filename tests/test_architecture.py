"""The import graph keeps data flowing one way: no module below the façade receives it or reaches into another's privates."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The façade and the command line sit on top; everything else in kg/ is below them.
ABOVE = {"kg/__init__.py", "kg/facade.py", *(str(p.relative_to(ROOT)) for p in (ROOT / "kg" / "cli").glob("*.py"))}
#: Standard-library functions whose public names start with an underscore.
STDLIB_UNDERSCORED = {"os._exit"}
MODULES = sorted(str(p.relative_to(ROOT)) for folder in ("kg", "api") for p in (ROOT / folder).rglob("*.py"))


def _tree(path: str) -> ast.Module:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)


def _submodules() -> set[str]:
    return {p.stem if p.name != "__init__.py" else p.parent.name for p in (ROOT / "kg").iterdir()
            if p.suffix == ".py" or (p / "__init__.py").is_file()}


def _imports(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, []


def test_the_import_contracts_hold():
    """``lint-imports`` keeps the contracts of ``[tool.importlinter]`` in pyproject.toml: the layers of kg's wings, kg
    never importing api, and the faces (api, kg.cli) importing only the doors (kg, kg.endpoint, kg.translator,
    kg.errors). A face importing ``kg.store.select`` breaks the last one (checked by hand).
    """
    exe = Path(sys.executable).parent / "lint-imports"
    res = subprocess.run([str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-2000:]


# import-linter cannot say "no name starting with _ crosses a module", nor "no wing imports the package root kg"
# (a forbidden contract's as_packages applies to its sources and its forbidden modules alike): those stay AST checks.
# "kg never imports api" is now the contract kg-not-api.


@pytest.mark.parametrize("path", MODULES)
def test_no_private_name_is_imported_or_reached_across_modules(path):
    tree = _tree(path)
    for module, names in _imports(tree):
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, f"{path} imports {', '.join(private)} from {module}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            if ast.unparse(node) in STDLIB_UNDERSCORED:
                continue
            assert isinstance(owner, ast.Name) and owner.id in ("self", "cls"), \
                f"{path}:{node.lineno} reaches into {ast.unparse(node)}"


@pytest.mark.parametrize("path", [m for m in MODULES if m.startswith("kg/") and m not in ABOVE])
def test_modules_below_the_facade_neither_import_nor_receive_it(path):
    tree = _tree(path)
    submodules = _submodules()
    for module, names in _imports(tree):
        if module == "kg":
            assert set(names) <= submodules, f"{path} imports {set(names) - submodules} from the package root"
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            params = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
            assert "kg" not in params, f"{path}:{node.lineno} {node.name}() takes the façade as 'kg'"
        if isinstance(node, ast.Name):
            assert node.id != "OIHKG", f"{path}:{node.lineno} uses the façade"


def test_the_facade_holds_no_query_or_graph_logic():
    """Each public method of OIHKG is a delegation: no loop, no SPARQL, no store call."""
    tree = _tree("kg/facade.py")
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "OIHKG")
    for fn in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
        loops = [n for n in ast.walk(fn) if isinstance(n, (ast.For, ast.While, ast.ListComp, ast.DictComp, ast.SetComp))]
        assert not loops, f"OIHKG.{fn.name} computes instead of delegating"
        calls = {ast.unparse(n.func) for n in ast.walk(fn) if isinstance(n, ast.Call)}
        assert not {c for c in calls if c.startswith("self.store.") and c not in ("self.store.close", "self.store.counts", "self.store.checksum", "self.store.loaded")}, \
            f"OIHKG.{fn.name} queries the store itself"


WINGS = sorted(p.parent for p in (ROOT / "kg").glob("*/__init__.py") if p.parent.name != "_data")


@pytest.mark.parametrize("wing", WINGS, ids=lambda p: p.name)
def test_each_wing_says_what_every_module_of_it_holds(wing):
    """A wing's opening docstring names each of its modules (and its templates), so the folder reads as it is."""
    said = ast.get_docstring(_tree(str((wing / "__init__.py").relative_to(ROOT)))) or ""
    parts = [m.stem for m in wing.glob("*.py") if m.stem != "__init__"] + [d.name for d in wing.iterdir() if d.is_dir()
                                                                        and d.name == "templates"]
    unnamed = [m for m in parts if m not in said]
    assert parts and not unnamed, f"{wing.name}/__init__.py does not name {', '.join(unnamed)}"
