"""The layers point one way, and no module imports itself round a loop (STYLE.md "Layers").

lib <- availability <- businesses <- bookings <- notifications <- webhooks <- public, owner, core <- api.
Every import counts, also one inside a function: a late import dodges the cycle at start-up but
keeps the knot in the code.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "bookingsite"
# A package may import its own modules and those of lower ranks; peers of one rank never import each other.
RANKS = {
    "lib": 0,
    "availability": 1,
    "businesses": 2,
    "bookings": 3,
    "notifications": 4,
    # Webhooks hear of booking changes (bookings.events) and email through the notifications
    # outbox; the owner's pages and the API manage them.
    "webhooks": 4.5,
    "public": 5,
    "owner": 5,
    "core": 5,
    "api": 6,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in ROOT.rglob("*.py") if "migrations" not in path.parts}


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            # The longest known module the target names: `from .models import X` is `...models`.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("bookingsite."):
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    names = set(known)
    return {name: imported(name, path, names) for name, path in known.items()}


def layer(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def test_every_package_has_a_rank():
    packages = {layer(name) for name in modules()} - {""}
    assert packages <= set(RANKS), packages - set(RANKS)


def test_no_import_points_up_or_sideways():
    wrong = [
        f"{source} imports {target}"
        for source, targets in graph().items()
        for target in targets
        if layer(source) and layer(target) != layer(source) and RANKS[layer(target)] >= RANKS[layer(source)]
    ]
    assert wrong == []


def test_no_module_imports_itself_round_a_loop():
    edges = graph()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    loops: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            # A package's __init__ is imported with its modules; edges into it are not loops of code.
            if state.get(target) == 1:
                loops.append([*path[path.index(target):], target] if target in path else [node, target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert loops == []


def test_the_checker_reads_relative_and_late_imports():
    edges = graph()
    assert "bookingsite.businesses.locking" in edges["bookingsite.bookings.services"]  # an absolute import
    assert "bookingsite.bookings.models" in edges["bookingsite.bookings.services"]  # from .models import
    assert "bookingsite.bookings.events" in edges["bookingsite.notifications.apps"]  # inside ready()
