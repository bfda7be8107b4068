"""Every change kyso makes to the behaviour of pyHanko, pyhanko-certvalidator and asn1crypto,
installed by one explicit call: install().

Importing verifier, or any module here, changes nothing: a program that uses kyso as a library,
the samples builder and the benchmark's naive pyHanko get pyHanko as pyHanko defines it. kyso's
entry points (the `kyso` command and its worker processes, the benchmarks, the tests) call
install() first thing, before anything imports pyhanko.sign.

The changes are speed only: each gives the answers and errors of what it replaces (the tests of
each compare both), and kyso's verdicts and reports are the same with or without them. What is
logged may be less: pathshare validates a path once per context, so pyhanko_certvalidator's own
records of that validation appear once, not once per layer; kyso never reads log records. They replace private functions of the exact releases they were
written for (WRITTEN_FOR); on any other release install() changes nothing and logs one warning,
and kyso verifies as it does with these releases, only slower.

  deferred   pyhanko.sign's `__init__` (the signing stack, aiohttp) runs on first use, not at start-up
  tokens     pyHanko's tokenizer reads strings, names and tokens in one step (PATCHES)
  crlindex   a certificate is looked up in a CRL by serial number (PATCHES)
  nameprep   certificate names are prepared (RFC 4518) once per encoding (PATCHES)
  pathshare  a certificate path is validated once per validation context (PATCHES)
  diffshare  the orphans of a revision are searched once per document (PATCHES)
  dependencies  a new object's dependencies are walked over the usages index's light copies (PATCHES)
  usages     the paths to an object a later revision wrote are found from the object (PATCHES);
             its index reads plain objects with quickread, exactly as pyHanko's parser does
  xrefstream a cross-reference stream is read row by row, its widths taken once (PATCHES)
"""

from __future__ import annotations

import importlib
import importlib.abc
import logging
import sys
from collections.abc import Mapping

log = logging.getLogger(__name__)

# distribution -> the release every patch below was written for and checked against
WRITTEN_FOR = {"pyHanko": "0.38.0", "pyhanko-certvalidator": "0.33.0", "asn1crypto": "1.5.1"}

# Each distribution's own version constant: importlib.metadata would say the same, but importing
# it (email, zipfile) costs 30 ms of every `kyso verify`, and these modules are imported anyway.
_VERSION_MODULES = {"pyHanko": "pyhanko.version", "pyhanko-certvalidator": "pyhanko_certvalidator.version",
                    "asn1crypto": "asn1crypto.version"}

# (module patched, its attribute, kyso's module, kyso's replacement): every global change but the
# deferral of pyhanko.sign's __init__ (deferred.py)
PATCHES = (
    ("pyhanko.pdf_utils.generic", "read_hex_string_from_stream", "verifier.patches.tokens", "read_hex_string"),
    ("pyhanko.pdf_utils.generic", "_read_string_literal_bytes", "verifier.patches.tokens", "read_literal_bytes"),
    ("pyhanko.pdf_utils.generic", "_decode_name", "verifier.patches.tokens", "decode_name"),
    ("pyhanko.pdf_utils.generic", "read_until_delimiter", "verifier.patches.tokens", "read_until_delimiter"),
    ("pyhanko.pdf_utils.generic", "IndirectObject.read_from_stream", "verifier.patches.tokens", "read_reference"),
    ("pyhanko.pdf_utils.generic", "ArrayObject.read_from_stream", "verifier.patches.tokens", "read_array"),
    ("pyhanko_certvalidator.revinfo.validate_crl", "find_cert_in_list", "verifier.patches.crlindex", "find_cert_in_list"),
    ("asn1crypto.x509", "RelativeDistinguishedName._get_values", "verifier.patches.nameprep", "_get_values"),
    ("pyhanko.sign.validation.generic_cms", "find_valid_path", "verifier.patches.pathshare", "find_valid_path"),
    ("pyhanko.sign.diff_analysis.policies", "_find_orphans", "verifier.patches.diffshare", "find_orphans"),
    ("pyhanko.pdf_utils.reader", "HistoricalResolver.collect_dependencies", "verifier.patches.dependencies",
     "collect_dependencies"),
    ("pyhanko.pdf_utils.reader", "HistoricalResolver._load_reverse_xref_cache", "verifier.patches.usages",
     "load_reverse_xref_cache"),
    ("pyhanko.pdf_utils.reader", "HistoricalResolver._get_usages_of_ref", "verifier.patches.usages", "get_usages_of_ref"),
    ("pyhanko.pdf_utils.xref", "parse_xref_stream", "verifier.patches.xrefstream", "parse_xref_stream"),
)

_state = {"installed": False}
_applied: set[int] = set()  # rows of PATCHES in place
_loading: set[str] = set()  # watched modules whose code is running now


def refusal(found: Mapping[str, str | None], expected: Mapping[str, str] = WRITTEN_FOR) -> str | None:
    """Why the changes must not be installed over the releases `found` (distribution -> version,
    None if absent), or None if they are exactly the releases `expected`."""
    wrong = {name: found.get(name) for name in expected if found.get(name) != expected[name]}
    if not wrong:
        return None
    have = ", ".join(f"{name} {version or 'not installed'}" for name, version in wrong.items())
    want = ", ".join(f"{name} {expected[name]}" for name in wrong)
    return (f"kyso's speed changes to pyHanko were written for {want}; found {have}: "
            "none installed (verification stays correct, only slower)")


def installed_versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name, module in _VERSION_MODULES.items():
        try:
            found[name] = importlib.import_module(module).__version__
        except (ImportError, AttributeError):
            found[name] = None
    return found


def install(written_for: Mapping[str, str] = WRITTEN_FOR) -> bool:
    """Install every change, once, if the installed releases are exactly `written_for`; True if
    the changes are in place. On other releases nothing changes and one warning says why.

    Call it before anything imports pyhanko.sign. A change to a module not yet imported is made
    as that module is imported, so this imports nothing beyond what the deferral needs."""
    if _state["installed"]:
        return True
    refused = refusal(installed_versions(), written_for)
    if refused:
        log.warning("%s", refused)
        return False
    from verifier.patches import deferred

    deferred.defer_signing_stack()
    watched = {row[0] for row in PATCHES} | {row[2] for row in PATCHES}
    pending = watched - set(sys.modules)
    if pending:
        sys.meta_path.insert(0, _AfterImport(pending))
    _state["installed"] = True
    _apply_ready()
    return True


def installed() -> bool:
    """Whether install() has put kyso's changes in place in this process."""
    return _state["installed"]


def _apply_ready() -> None:
    """Every row whose module to patch has been imported. A kyso module whose own import
    brought that module in is still running: the row waits until it has run."""
    for i, (target, attribute, ours, name) in enumerate(PATCHES):
        if i in _applied or target not in sys.modules or target in _loading or ours in _loading:
            continue
        replacement = getattr(importlib.import_module(ours), name)  # keeps pyHanko's function first
        if i in _applied:  # that import applied it
            continue
        owner_path, _, leaf = attribute.rpartition(".")
        owner = sys.modules[target]
        for part in filter(None, owner_path.split(".")):
            owner = getattr(owner, part)
        setattr(owner, leaf, replacement)
        _applied.add(i)


class _AfterImport(importlib.abc.MetaPathFinder):
    """Finds a watched module with the finders after it, and applies what became ready as soon
    as the module's code has run, before anything else can look its names up."""

    def __init__(self, pending: set[str]) -> None:
        self.pending = pending

    def find_spec(self, name, path=None, target=None):
        if name not in self.pending:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _ThenApply(spec.loader)
        self.pending.discard(name)
        if not self.pending:
            sys.meta_path.remove(self)
        return spec


class _ThenApply(importlib.abc.Loader):
    def __init__(self, loader) -> None:
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        module.__loader__ = module.__spec__.loader = self.loader  # the module keeps its own loader
        _loading.add(module.__name__)
        try:
            self.loader.exec_module(module)
        finally:
            _loading.discard(module.__name__)
        _apply_ready()
