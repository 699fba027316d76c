"""The package's layout: layers import downwards only, no cycle, a small root, a repository that stands alone."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "inclusion"
FEATURES = {
    "accounts",
    "activities",
    "assessments",
    "audit",
    "certificates",
    "frameworks",
    "funders",
    "learners",
    "reports",
    "sites",
    "vouchers",
}


def _module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


MODULES = _module_names()


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The package's modules that one import statement loads, wherever it stands (top level or inside a function)."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
            base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
        targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    found = []
    for target in targets:
        while target not in MODULES and "." in target:
            target = target.rsplit(".", 1)[0]
        if target in MODULES and target != module:
            found.append(target)
    return found


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
        graph[module] = {target for node in imports for target in _imported(module, node)}
    return graph


GRAPH = _graph()


def _imports_of(prefix: str) -> dict[str, set[str]]:
    return {module: targets for module, targets in GRAPH.items() if module == prefix or module.startswith(prefix + ".")}


def _third_party(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_import_cycle():
    """No module imports, even inside a function, a module that leads back to it."""
    state: dict[str, int] = {}
    cycles = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                cycles.append(trail[trail.index(target) :] + [target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_storage_imports_no_feature():
    """The storage layer (engines, tables, hand SQL, migrations runner) stands on the kernel modules alone."""
    allowed = {"inclusion", "inclusion.settings", "inclusion.clock", "inclusion.errors", "inclusion.vocabulary"}
    upward = {
        (module, target)
        for module, targets in _imports_of("inclusion.storage").items()
        for target in targets
        if not target.startswith("inclusion.storage") and target not in allowed
    }
    assert upward == set()


def test_kernel_modules_import_no_feature():
    """The modules at the package root that every layer uses import nothing but each other and storage."""
    kernel = {"clock", "errors", "logs", "scoping", "settings", "vocabulary"}
    upward = {
        (module, target)
        for name in kernel
        for module, targets in [(f"inclusion.{name}", GRAPH[f"inclusion.{name}"])]
        for target in targets
        if target.split(".")[1] not in kernel
    }
    assert upward == set()


def test_documents_stand_on_the_kernel():
    """PDF and spreadsheet writers (`inclusion/documents/`) import only the kernel: every feature may use them."""
    kernel = {f"inclusion.{name}" for name in ("clock", "errors", "settings", "vocabulary")}
    upward = {
        (module, target)
        for module, targets in _imports_of("inclusion.documents").items()
        for target in targets
        if not target.startswith("inclusion.documents") and target not in kernel | {"inclusion"}
    }
    assert _imports_of("inclusion.documents") and upward == set()


def test_features_do_not_import_the_composition_root():
    """Only the entry points (app, cli, asgi) assemble the features: no feature, storage or web module imports them."""
    roots = {"inclusion.app", "inclusion.cli", "inclusion.asgi", "inclusion.__main__"}
    offenders = {
        (module, target) for module, targets in GRAPH.items() if module not in roots for target in targets & roots
    }
    assert offenders == set()


def test_services_and_storage_do_not_speak_http():
    """Rules and queries raise domain errors; only controllers and web/ import Litestar."""
    quiet = [
        path
        for module, path in MODULES.items()
        if module.startswith(("inclusion.storage", "inclusion.demo"))
        or path.name in {"services.py", "rules.py", "queries.py", "lifecycle.py"}
    ]
    assert quiet, "no service module found: the test would pass vacuously"
    assert [str(path.relative_to(REPO)) for path in quiet if "litestar" in _third_party(path)] == []


def test_package_root_is_small():
    """The package root holds the composition root and the kernel: at most 12 modules; the rest live in folders."""
    root_modules = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(root_modules) <= 12, root_modules
    assert {path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name != "__pycache__"} >= {
        *FEATURES,
        "storage",
        "demo",
        "web",
    }


def test_readme_is_short_and_starts_with_the_two_commands():
    """README: the run command then the test command, before anything else, in at most 150 lines."""
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150
    commands = [line for line in lines[:20] if line.startswith("python3 -m venv .venv")]
    assert len(commands) == 2
    assert commands[0].endswith("inclusion serve")
    assert "pytest" in commands[1]


def test_nothing_points_outside_the_repository():
    """No tracked file refers to the workplace's shared folder or to an absolute path of this machine's checkout."""
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    if not tracked:  # an export without git: read the tree instead
        tracked = [str(path.relative_to(REPO)) for path in REPO.rglob("*") if path.is_file()]
    outside = []
    for name in tracked:
        path = REPO / name
        if path.suffix not in {".py", ".md", ".html", ".toml", ".txt", ".css", ".js", ".j2", ""} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for marker in ("../shared", "/work/"):
            if marker in text and path.name != "test_architecture.py":
                outside.append((name, marker))
    assert outside == []
