"""Every `kyso` command's exit code comes from one table (archive/cli/failures.py; README: Exit
codes): a script reading 4 must not get a number another module chose for it under another name."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "archive" / "cli" / "failures.py"
# the web server's start-up imports nothing of the CLI (archive.web.run says which code it is)
APART = {ROOT / "archive" / "web" / "run.py"}


def _modules():
    return [p for p in sorted((ROOT / "archive").rglob("*.py")) if p != TABLE and p not in APART]


def test_no_module_but_the_table_defines_an_exit_code():
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign):
                names = [n for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
                found += [f"{path.relative_to(ROOT)}:{node.lineno} {n.id}" for n in names if n.id.startswith("EXIT_")]
    assert found == []


def test_no_command_exits_with_a_bare_number():
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "exit"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, int)
                    and node.args[0].value != 0):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} exit({node.args[0].value})")
    assert found == []

