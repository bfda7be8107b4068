"""The documentation is kept true by a test, in the manner of sqlite-utils' tests/test_docs.py:
every finding code and sub-indication of the registry, every `kyso` command and option, and every
JSON key of real reports is documented in README.md or docs/*.md; and what the README documents
(codes, commands, options) still exists. Each item is its own test, so a failure names it.

The JSON keys are collected from the reports of every sample (verified as tests/conftest.py does)
and from `kyso archive list --json` / `kyso archive show --json` over a real SQLite archive, not
from a list kept here: a key renamed in the code is a key to document.
"""

from __future__ import annotations

import json
import os
import re
import string
from pathlib import Path

import click
import pytest

from tests import inprocess
from tests.conftest import ROOT, SAMPLES, manifest
from verifier.report import codes

README = ROOT / "README.md"
DOC_FILES = [README, *sorted((ROOT / "docs").glob("*.md"))]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in DOC_FILES)
# A name counts as documented when it is written as code (`NAME`, or a word of a code span such
# as `signer` {`common_name`, …}); spans may wrap lines, fenced blocks are not spans.
DOCUMENTED = set(re.findall(r"`([^`]+)`", re.sub(r"```.*?```", "", DOCS, flags=re.S)))
DOCUMENTED_WORDS = {w for span in DOCUMENTED for w in re.findall(r"[A-Za-z0-9_]+", span)}


def documented(name: str) -> bool:
    return name in DOCUMENTED or name in DOCUMENTED_WORDS


# --- finding codes and sub-indications ------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(codes.FINDINGS))
def test_finding_code_is_documented(code):
    assert documented(code), f"finding code {code} (verifier/report/codes.py) is not documented in README.md or docs/"


@pytest.mark.parametrize("code", sorted(codes.SUBINDICATION_TEXT))
def test_subindication_is_documented(code):
    assert documented(code), f"sub-indication {code} (verifier/report/codes.py) is not documented in README.md or docs/"


def _documented_codes() -> list[str]:
    """Names written as codes in the docs that look like finding codes or sub-indications."""
    return sorted({w for w in DOCUMENTED_WORDS if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", w)})


def _other_constants() -> set[str]:
    """Upper-case names the docs may mention that are not kyso codes: environment variables the
    code reads, and pyHanko's modification and coverage levels that reports carry."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    source = "\n".join(p.read_text(encoding="utf-8") for d in ("verifier", "archive", "tests", "bench")
                       for p in (ROOT / d).rglob("*.py"))
    env = set(re.findall(r"\b(KYSO_[A-Z0-9_]+)\b", source))
    return env | {m.name for m in ModificationLevel} | {c.name for c in SignatureCoverageLevel}


@pytest.mark.parametrize("code", _documented_codes())
def test_documented_code_exists(code):
    known = set(codes.FINDINGS) | set(codes.SUBINDICATION_TEXT) | _other_constants()
    assert code in known, f"`{code}` is documented but is no finding code, sub-indication or known constant"


def test_profile_table_codes_exist():
    """The README's table of Decree 30 findings names only codes of the registry, with their
    default severity."""
    rows = re.findall(r"^\| `([A-Z0-9_]+)`(?: / `([A-Z0-9_]+)`)? \| [^|]* \| (error|warning|info) \|", README.read_text(encoding="utf-8"), re.M)
    assert rows, "the README's profile table was not found"
    for first, second, severity in rows:
        for code in filter(None, (first, second)):
            assert code in codes.FINDINGS, f"README table names {code}, which is not in verifier/report/codes.py"
            assert codes.FINDINGS[code].severity == severity, f"README gives {code} severity {severity}, codes.py {codes.FINDINGS[code].severity}"


def _generated() -> set[str]:
    """What .gitignore names: folders the tools create (bench/.corpus/), absent from a clean clone."""
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _documented_paths() -> list[str]:
    return sorted(s for s in DOCUMENTED if re.fullmatch(r"(verifier|archive|tests|samples|certs|bench|docs)/[\w/.-]*", s)
                  and s not in _generated())


@pytest.mark.parametrize("path", _documented_paths())
def test_documented_path_exists(path):
    """A module, folder or file the docs name as code still exists where they say."""
    assert (ROOT / path).exists(), f"the docs name `{path}`, which does not exist"


# --- commands and options -----------------------------------------------------------------------

def _commands() -> dict[str, click.Command]:
    """Every command of the `kyso` group by its full name ("kyso archive list"), recursively."""
    from archive.cli import main

    out: dict[str, click.Command] = {}

    def walk(cmd: click.Command, name: str) -> None:
        out[name] = cmd
        if isinstance(cmd, click.Group):
            for sub_name, sub in cmd.commands.items():
                walk(sub, f"{name} {sub_name}")

    walk(main, "kyso")
    return out


COMMANDS = _commands()


def _options() -> list[tuple[str, str]]:
    out = []
    for name, cmd in COMMANDS.items():
        for param in cmd.params:
            if isinstance(param, click.Option):
                longs = [o for o in param.opts + param.secondary_opts if o.startswith("--")]
                if longs and "--help" not in longs:
                    out.append((name, longs[0]))
    return out


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_command_is_documented(command):
    assert command in DOCS, f"`{command}` is not documented in README.md or docs/"


@pytest.mark.parametrize(("command", "option"), _options(), ids=[f"{c} {o}" for c, o in _options()])
def test_option_is_documented(command, option):
    found = re.search(re.escape(option) + r"(?![\w-])", DOCS) is not None
    assert found, f"option {option} of `{command}` is not documented"


def _documented_invocations() -> list[tuple[str, str]]:
    """(command, option) for every option written after a `kyso …` command in the docs: code
    blocks line by line, and inline code spans."""
    lines = re.findall(r"`(kyso [^`\n]+)`", DOCS)
    lines += [x for block in re.findall(r"```[a-z]*\n(.*?)```", DOCS, re.S) for x in block.splitlines()]
    found = set()
    for line in lines:
        for chunk in re.findall(r"\bkyso [^#]*", line):
            words = chunk.split()
            name = "kyso"
            for w in words[1:]:
                if f"{name} {w}" in COMMANDS:
                    name = f"{name} {w}"
                elif not w.startswith("-"):
                    continue
            for option in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", chunk):
                found.add((name, option))
    return sorted(found)


@pytest.mark.parametrize(("command", "option"), _documented_invocations(),
                         ids=[f"{c} {o}" for c, o in _documented_invocations()])
def test_documented_option_exists(command, option):
    """An option the docs show on a command is an option of that command (or of `kyso`)."""
    opts = {o for cmd in (COMMANDS[command], COMMANDS["kyso"]) for p in cmd.params for o in p.opts + p.secondary_opts}
    assert option in opts | {"--help"}, f"the docs show `{command} {option}`, which `{command}` does not take"


# --- JSON keys ----------------------------------------------------------------------------------

# Maps whose keys are data, not names kyso chose: the PDF's own /Info entries.
DATA_MAPS = (".metadata.pdf_info.value",)


def _keys(obj, path: str, out: dict[str, str]) -> None:
    if isinstance(obj, dict):
        if path in DATA_MAPS:
            return
        for k, v in obj.items():
            out.setdefault(k, f"{path}.{k}")
            _keys(v, f"{path}.{k}", out)
    elif isinstance(obj, list):
        for v in obj:
            _keys(v, f"{path}[]", out)


@pytest.fixture(scope="module")
def report_keys(sample_report) -> dict[str, str]:
    """Every key of the JSON report of every sample, with one path where it occurs."""
    out: dict[str, str] = {}
    for pdf in sorted(SAMPLES.glob("*.pdf")):
        _keys(sample_report(pdf.name).to_dict("en"), "", out)
    return out


@pytest.fixture(scope="module")
def archive_keys(tmp_path_factory) -> dict[str, str]:
    """Every key of `kyso archive list --json` and `kyso archive show --json` for the seed plan
    archived in a fresh SQLite archive."""
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if k not in ("KYSO_DATABASE_URL", "KYSO_CONFIG")}
    env["KYSO_HOME"] = str(home)

    def kyso(*args: str) -> str:
        result = inprocess.kyso(*args, env=env)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    kyso("ingest", str(SAMPLES / "plan.pdf"), "--trust", str(SAMPLES / manifest()["trust"]))
    out: dict[str, str] = {}
    listed = [json.loads(line) for line in kyso("archive", "list", "--json").splitlines()]
    _keys(listed, "archive list", out)
    shown = json.loads(kyso("archive", "show", str(listed[0]["id"]), "--json"))
    shown.pop("report", None)  # the report's keys are the report's (report_keys)
    _keys(shown, "archive show", out)
    return out


def test_every_report_key_is_documented(report_keys):
    missing = sorted(f"{k} (at {path})" for k, path in report_keys.items() if not documented(k))
    assert not missing, "JSON keys of the report not documented in README.md or docs/: " + "; ".join(missing)


def test_every_archive_json_key_is_documented(archive_keys):
    missing = sorted(f"{k} (at {path})" for k, path in archive_keys.items() if not documented(k))
    assert not missing, "JSON keys of `kyso archive list/show --json` not documented: " + "; ".join(missing)


def test_every_finding_parameter_is_documented():
    """The evidence keys a finding can carry are the placeholders of its wording."""
    params = {f[1] for c in codes.FINDINGS.values() for t in (c.vi, c.en) for f in string.Formatter().parse(t) if f[1]}
    missing = sorted(p for p in params if not documented(p))
    assert not missing, "finding evidence keys (placeholders in verifier/report/codes.py) not documented: " + ", ".join(missing)
