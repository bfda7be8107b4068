"""Imports kyso does not pay for at start-up.

`pyhanko.sign/__init__.py` imports pyHanko's whole signing stack, and with it an HTTP timestamp
client built on aiohttp: a quarter of a second of a `kyso verify` run, for code that verification
never calls. pyHanko's validation, difference analysis and field modules do not need that
`__init__`, only their package, so the package is registered as it is found on disk and its
`__init__` runs the first time anything asks the package for one of its own names (PEP 562;
a submodule asked for as an attribute is imported, as Python does): signing code, the samples
and the tests that sign get exactly the package pyHanko defines.

Some modules of that chain register ASN.1 types with asn1crypto when imported (Adobe's
revocation-information attribute, the CAdES attributes, the qualified-certificate statements,
ISO 32004's PDF MAC): without them an embedded CRL is not found and extensions parse as
unknown. Those are imported at once (REGISTRATIONS); tests/test_deferred.py compares every
asn1crypto registry with a full `import pyhanko.sign` so that a new one cannot go unnoticed.

All of this happens in defer_signing_stack(), which verifier.patches.install() calls; importing
this module changes nothing, and without install() `import pyhanko.sign` runs pyHanko's
`__init__` as pyHanko defines it (which makes the same registrations).
"""

from __future__ import annotations

import importlib.util
import sys
import threading

_lock = threading.Lock()


def defer_package_init(name: str) -> None:
    """Register package `name` so that its submodules import at once and its `__init__` runs
    on first use. A package already imported is left as it is."""
    if name in sys.modules:
        return
    parent, _, child = name.rpartition(".")
    spec = importlib.util.find_spec(name)  # imports the parent
    if spec is None or spec.submodule_search_locations is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)

    def __getattr__(attr: str):
        if not attr.startswith("__") and importlib.util.find_spec(f"{name}.{attr}") is not None:
            # `from package import submodule`: what Python does when the package lacks the name
            return importlib.import_module(f"{name}.{attr}")
        with _lock:
            if module.__dict__.get("__getattr__") is __getattr__:
                del module.__getattr__
                spec.loader.exec_module(module)
        return getattr(module, attr)

    module.__getattr__ = __getattr__
    sys.modules[name] = module
    if parent:
        setattr(sys.modules[parent], child, module)


REGISTRATIONS = (
    "asn1crypto.pdf",
    "pyhanko.sign.ades.cades_asn1",
    "pyhanko.sign.ades.qualified_asn1",
    "pyhanko.pdf_utils.crypt._iso32004_asn1",
)


def defer_signing_stack() -> None:
    """pyhanko.sign registered with its `__init__` deferred, and the ASN.1 registrations of its
    chain made at once. Called by verifier.patches.install(), before anything imports
    pyhanko.sign: if something already has, the package stays as it is (whole, only slower to
    import)."""
    defer_package_init("pyhanko.sign")
    for name in REGISTRATIONS:
        importlib.import_module(name)
