"""Imports point one way (STYLE.md, Layers): each package of bookingsite imports only from layers below it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "bookingsite"
# Lowest first; packages of one layer do not import each other either.
LAYERS = [{"lib"}, {"availability"}, {"businesses"}, {"bookings"}, {"notifications"}, {"public", "owner"}, {"api", "core"}]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def imported_packages(path: Path) -> set[str]:
    """The bookingsite packages a module imports (absolutely or relatively), itself included."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = parts[: len(parts) - node.level] if node.level else ()
            modules = [".".join([*base, *([node.module] if node.module else [])])]
        else:
            continue
        found |= {module.split(".")[1] for module in modules if module.startswith("bookingsite.")}
    return found


def test_every_package_is_in_a_layer():
    packages = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    assert packages == set(RANK)


def test_imports_point_down_only():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        package = path.relative_to(PACKAGE).parts[0]
        if package not in RANK:  # bookingsite/__init__.py
            continue
        upward += [f"{path.relative_to(PACKAGE.parent)} imports bookingsite.{target}"
                   for target in sorted(imported_packages(path) - {package}) if RANK[target] >= RANK[package]]
    assert upward == []
