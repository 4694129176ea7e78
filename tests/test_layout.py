"""The layout says what may import what (docs/ARCHITECTURE.md): bot/ is the plain-Python
domain and imports no other folder of the project and never Rasa; tools/ and web/ are
the tools around it (they may import bot/, never Rasa); components/, actions/ and
channels/ are the Rasa side (they may import bot/); deploy/ starts the stack with
tools/. bench/ and tests/ may import anything."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

RASA_PACKAGES = ("rasa", "rasa_sdk")
# the top-level folders of the project's Python code
PROJECT_PACKAGES = ("bot", "tools", "web", "components", "actions", "channels", "deploy", "bench", "tests")
# what each folder may import besides itself, the standard library and third-party packages
MAY_IMPORT = {
    "bot": set(),
    "tools": {"bot"},
    "web": {"bot"},
    "components": {"bot", "rasa"},
    "actions": {"bot", "rasa_sdk"},
    "channels": {"bot", "rasa"},
    "deploy": {"bot", "tools", "rasa"},
}


def imported_modules(path: Path) -> list[str]:
    """The modules a Python file imports, at any depth (also inside functions)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        found += (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level == 0
            else []
        )
    return found


def rasa_imports(path: Path) -> list[str]:
    """The Rasa modules a Python file imports, at any depth (also inside functions)."""
    return [n for n in imported_modules(path) if n.split(".")[0] in RASA_PACKAGES]


def forbidden_imports(folder: str) -> dict[str, list[str]]:
    """File -> the project and Rasa modules it imports that its folder may not."""
    allowed = MAY_IMPORT[folder] | {folder}
    offenders = {}
    for path in (PROJECT_ROOT / folder).rglob("*.py"):
        names = [
            n
            for n in imported_modules(path)
            if n.split(".")[0] in PROJECT_PACKAGES + RASA_PACKAGES and n.split(".")[0] not in allowed
        ]
        if names:
            offenders[str(path.relative_to(PROJECT_ROOT))] = names
    return offenders


def test_the_domain_package_never_imports_rasa():
    offenders = {str(p.relative_to(PROJECT_ROOT)): rasa_imports(p) for p in (PROJECT_ROOT / "bot").rglob("*.py")}
    assert {p: names for p, names in offenders.items() if names} == {}


@pytest.mark.parametrize("folder", sorted(MAY_IMPORT))
def test_each_folder_imports_only_what_it_may(folder):
    assert forbidden_imports(folder) == {}


def test_every_code_folder_has_its_rule_and_says_what_it_holds():
    folders = {p.parent.name for p in PROJECT_ROOT.glob("*/__init__.py")}
    assert folders == set(PROJECT_PACKAGES)
    assert set(MAY_IMPORT) == set(PROJECT_PACKAGES) - {"bench", "tests"}
    for folder in PROJECT_PACKAGES:
        assert ast.get_docstring(ast.parse((PROJECT_ROOT / folder / "__init__.py").read_text())), folder


def test_the_tools_are_not_in_the_domain_package():
    assert not (PROJECT_ROOT / "bot" / "web").exists()
    for name in ("launcher", "wait_ready", "analytics", "cli", "nlu_metrics"):
        assert not (PROJECT_ROOT / "bot" / f"{name}.py").exists(), name


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from rasa.core.agent import Agent\n    import rasa_sdk\n")
    assert rasa_imports(module) == ["rasa.core.agent", "rasa_sdk"]


def test_the_check_sees_a_tool_imported_by_the_domain(tmp_path, monkeypatch):
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "m.py").write_text("import os\nfrom tools.launcher import Launcher\nimport web\n")
    monkeypatch.setattr(f"{__name__}.PROJECT_ROOT", tmp_path)
    assert forbidden_imports("bot") == {"bot/m.py": ["tools.launcher", "web"]}
