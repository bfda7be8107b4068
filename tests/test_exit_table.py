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
                # an exception's own code (click reads `exit_code`) is a number of the table too
                if (any(n.id == "exit_code" for n in names) and isinstance(node.value, ast.Constant)
                        and isinstance(node.value.value, int)):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} exit_code = {node.value.value}")
    assert found == []


def test_no_command_exits_with_a_bare_number():
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            exits = (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                     and isinstance(node.args[0].value, int) and node.args[0].value != 0
                     and ((isinstance(node.func, ast.Attribute) and node.func.attr == "exit")
                          or (isinstance(node.func, ast.Name) and node.func.id in ("SystemExit", "exit"))))
            if exits:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} exit({node.args[0].value})")
    assert found == []

