"""The house's rules, checked on the source tree itself.

- ``sandbox/`` has no import circle (module-level and function-level imports alike: a lazy import
  is still a dependency);
- the built-in plugins import the sandbox only through its top-level public surface
  (``from sandbox import ...``), as a third party would, and never another plugin;
- only ``sandbox.trajectory.library`` imports the orbital-mechanics library;
- every name the public surface promises resolves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SANDBOX = ROOT / "sandbox"
PLUGINS = ROOT / "plugins"


def _module_name(path: Path, root: Path, package: str) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = [package, *rel.parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks (imports for annotations, never executed)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skip


def _imports(path: Path, module: str, runtime_only: bool = False) -> list[tuple[str, int]]:
    """Every imported module name (absolute) in ``path``, with its line.

    ``runtime_only`` leaves out imports under ``if TYPE_CHECKING:`` (annotations only: they never run).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    skip = _type_checking_only(tree) if runtime_only else set()
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_pkg else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((target, node.lineno))
            out += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]  # "from pkg import module"
    return out


def _graph(root: Path = SANDBOX) -> dict[str, set[str]]:
    """Module → the modules of the same package it imports (resolved to the longest known module)."""
    modules = {_module_name(p, root, "sandbox"): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps = set()
        for target, _ in _imports(path, name, runtime_only=True):
            parts = target.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            dep = ".".join(parts)
            # a module importing its own (ancestor) package, or a package importing its children, is no circle
            if dep and dep != name and not name.startswith(dep + ".") and not dep.startswith(name + "."):
                deps.add(dep)
        graph[name] = deps
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every back edge of a depth-first walk, as the circle it closes."""
    state: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                found.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_sandbox_has_no_import_circle():
    graph = _graph()
    assert len(graph) > 40  # the walk saw the whole package
    cycles = _cycles(graph)
    assert not cycles, "import circles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_circle_check_finds_a_lazy_circle(tmp_path):
    pkg = tmp_path / "sandbox"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from sandbox import b\n")
    (pkg / "b.py").write_text("def f():\n    from sandbox.a import x\n    return x\n")
    assert _cycles(_graph(pkg)) == [["sandbox.a", "sandbox.b", "sandbox.a"]]


def test_an_import_for_annotations_only_is_no_circle(tmp_path):
    # `if TYPE_CHECKING:` imports never run (the hook specifications type their arguments this way)
    pkg = tmp_path / "sandbox"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from sandbox import b\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sandbox.a import x\n")
    assert _cycles(_graph(pkg)) == []
    (pkg / "b.py").write_text("import typing\nif typing.TYPE_CHECKING:\n    pass\nelse:\n    from sandbox.a import x\n")
    assert _cycles(_graph(pkg)) == [["sandbox.a", "sandbox.b", "sandbox.a"]]  # the else branch runs


def test_builtin_plugins_import_only_the_public_surface():
    """A plugin imports ``sandbox`` (its top-level names), third-party libraries and modules of its own package."""
    bad = []
    for path in sorted(PLUGINS.rglob("*.py")):
        where = path.relative_to(ROOT)
        nested = path.parent != PLUGINS  # plugins/<pkg>/...: may import its own package's modules
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    if not nested or node.level > 1:
                        bad.append(f"{where}:{node.lineno}: relative import outside its own package")
                elif node.module and (node.module.startswith("sandbox.") or node.module.startswith("sandbox_plugins")):
                    bad.append(f"{where}:{node.lineno}: from {node.module} import ... (use `from sandbox import ...`)")
            elif isinstance(node, ast.Import):
                bad += [f"{where}:{node.lineno}: import {a.name}" for a in node.names
                        if a.name.startswith("sandbox.") or a.name.startswith("sandbox_plugins")]
    assert not bad, "\n".join(bad)


def test_only_the_library_module_imports_the_orbit_library():
    offenders = []
    for path in sorted(list(SANDBOX.rglob("*.py")) + list(PLUGINS.rglob("*.py"))):
        module = _module_name(path, SANDBOX, "sandbox") if SANDBOX in path.parents else path.name
        for target, line in _imports(path, module):
            if target.split(".")[0] in ("boinor", "poliastro") and module != "sandbox.trajectory.library":
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {target}")
    assert not offenders, "\n".join(offenders)
    text = (SANDBOX / "trajectory" / "library.py").read_text(encoding="utf-8")
    assert "importlib.import_module(name)" in text  # the one import, by the selected library's name


def test_every_public_name_resolves():
    import sandbox

    for name in sandbox.__all__:
        assert getattr(sandbox, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'Elment'"):
        sandbox.Elment  # noqa: B018 - a misspelt name fails loudly
