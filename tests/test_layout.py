"""The layout says what may import what: bot/ is plain Python and never imports Rasa
(components/, actions/ and channels/ are the Rasa side)."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.settings import PROJECT_ROOT

RASA_PACKAGES = ("rasa", "rasa_sdk")


def rasa_imports(path: Path) -> list[str]:
    """The Rasa modules a Python file imports, at any depth (also inside functions)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level == 0
            else []
        )
        found += [n for n in names if n.split(".")[0] in RASA_PACKAGES]
    return found


def test_the_domain_package_never_imports_rasa():
    offenders = {str(p.relative_to(PROJECT_ROOT)): rasa_imports(p) for p in (PROJECT_ROOT / "bot").rglob("*.py")}
    assert {p: names for p, names in offenders.items() if names} == {}


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from rasa.core.agent import Agent\n    import rasa_sdk\n")
    assert rasa_imports(module) == ["rasa.core.agent", "rasa_sdk"]
