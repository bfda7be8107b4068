"""Shared test fixtures: where the project's samples and ../shared live, and trust configs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = Path(os.environ.get("KYSO_SHARED") or ROOT.parent / "shared")
REALDOCS = SHARED / "realdocs"
REAL_TRUST = SHARED / "trust"
# the live test PKI (tests/livepki) and the test TSA answer on 127.0.0.1, which kyso asks only
# when the operator allows the local networks (verifier.net.http); the kyso processes the tests
# start inherit it. tests/test_net_guard.py checks what happens without it
os.environ.setdefault("KYSO_NET_PRIVATE_ADDRESSES", "1")


def pytest_configure(config):
    """The suite exercises kyso as its command runs it: with kyso's changes to pyHanko, installed
    before any test module imports pyhanko.sign. What a process that never calls install() gets
    is tested in fresh interpreters (tests/test_patches.py, tests/test_deferred.py)."""
    from verifier.patches import install

    install()
    if not hasattr(config, "workerinput"):
        _bytecode()


def _bytecode() -> None:
    """Compile kyso's source once, as pip does for an installed package. The tests start kyso
    in hundreds of subprocesses; where PYTHONDONTWRITEBYTECODE is set (CI's machine sets it) an
    editable install has no bytecode, and each of them compiled verifier and archive again
    (0.3-0.5 s of every start-up, a fifth of the suite). Up-to-date files are only looked at."""
    import compileall

    for package in ("verifier", "archive"):
        compileall.compile_dir(ROOT / package, quiet=1)


# The modules that take longest (CPU seconds, measured), run first. The suite runs one module per
# worker at a time (pyproject.toml: --dist loadfile), so each module's set-up is made once; a long
# module started last would leave one core working alone at the end.
SLOW_FIRST = ("test_watch.py", "test_inbox_attack.py", "test_serve_pool.py", "test_serve_schema.py", "test_archive.py", "test_painted.py",
              "test_serve_console.py", "test_serve_api.py", "test_serve_redteam.py", "test_serve_admin.py", "test_broken_archives.py", "test_reverify.py",
              "test_samples.py", "test_reasons.py", "test_diffpolicy.py", "test_ocr.py", "test_hostile.py",
              "test_archive_guard.py", "test_redteam16.py", "test_search.py", "test_intake.py", "test_report_files.py",
              "test_language.py")


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))  # stable: the others keep their order


def manifest() -> dict:
    return json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))


def need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not found: put the shared folder beside the checkout or set KYSO_SHARED")
    return path


UNREADABLE_SAMPLES = ("not-a-pdf.pdf", "truncated.pdf", "encrypted.pdf")


def benchmark_file(pages: int, layers: int) -> Path:
    """bench/corpus.py's document of `pages` pages and `layers` signature layers (made once by a
    test PKI, kept in bench/.corpus)."""
    import sys

    if str(ROOT / "bench") not in sys.path:
        sys.path.insert(0, str(ROOT / "bench"))
    import corpus

    return corpus.build(pages, layers)


def readable_samples() -> list[Path]:
    """The samples a reader opens (not the broken, truncated or password-protected ones)."""
    return [p for p in sorted(SAMPLES.glob("*.pdf")) if p.name not in UNREADABLE_SAMPLES]


def opened(data: bytes):
    """kyso's reader of a PDF, opened as a verification opens it (verifier.pdf.opening)."""
    from verifier.pdf.opening import open_pdf
    from verifier.report.model import DocumentReport

    reader, _ = open_pdf(data, DocumentReport(file=None, sha256="", size=len(data)))
    return reader


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets an empty KYSO_HOME so nobody's local trust store leaks in."""
    monkeypatch.setenv("KYSO_HOME", str(tmp_path / "kyso-home"))


@pytest.fixture(scope="session")
def sample_trust():
    from verifier.trust.config import TrustConfig

    config = TrustConfig()
    config.add_bundle((SAMPLES / manifest()["trust"]).read_bytes())
    return config


def made_once(tmp_path_factory, name: str, make):
    """`make()`, computed once for the whole run: by the first pytest-xdist worker that asks, the
    others reading its result (pickled into the folder the workers of one run share, under a lock,
    as pytest-xdist's documentation shows); without workers, simply `make()`."""
    try:
        import fcntl
    except ImportError:  # not POSIX: each worker makes its own
        return make()
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return make()
    import pickle

    shared = tmp_path_factory.getbasetemp().parent  # pytest-N/, the parent of this worker's popen-gwN/
    kept = shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if kept.exists():
            return pickle.loads(kept.read_bytes())
        value = make()
        kept.write_bytes(pickle.dumps(value))
        return value


@pytest.fixture(scope="session")
def sample_report(sample_trust, tmp_path_factory):
    """`sample_report(name, file=name)`: kyso's report of samples/NAME, every sample verified once
    for the whole run (several modules read every sample's report) and handed out as a copy of its
    own under the file name asked for: a report's file is its label, as verifier.report.cache hands
    out kept ones."""
    import copy

    from verifier.document import verify_pdf

    made = made_once(tmp_path_factory, "sample-reports", lambda: {
        p.name: verify_pdf(p.read_bytes(), sample_trust, file=p.name) for p in sorted(SAMPLES.glob("*.pdf"))})

    def get(name: str, file: str | None = None):
        report = copy.deepcopy(made[name])
        report.file = name if file is None else file
        return report

    return get


@pytest.fixture(scope="session")
def real_trust():
    """The real anchors and the G2 issuing CA from ../shared/trust, offline, no revocation data."""
    from verifier.trust.config import TrustConfig

    need_shared(REAL_TRUST)
    config = TrustConfig()
    for pem in sorted(REAL_TRUST.glob("*.pem")):
        config.add_bundle(pem.read_bytes())
    return config


@pytest.fixture(scope="session")
def real_reports(real_trust, tmp_path_factory):
    """kyso's report of every real document, verified once for the whole run (the large ones
    take seconds each); tests read them, never change them."""
    from verifier.document import verify_pdf

    need_shared(REALDOCS)
    return made_once(tmp_path_factory, "real-reports", lambda: {
        p.name: verify_pdf(p.read_bytes(), real_trust, file=p.name) for p in sorted(REALDOCS.glob("*.pdf"))})


# --- archives on real databases ---------------------------------------------------------------

def _pg_base_urls() -> list[str]:
    import getpass

    explicit = os.environ.get("KYSO_TEST_PG_URL")
    if explicit:
        return [explicit]
    return [f"postgresql+psycopg://{user}@127.0.0.1:5432/test" for user in ("postgres", getpass.getuser())]


def _reachable_pg() -> str | None:
    from sqlalchemy import create_engine, text

    for url in _pg_base_urls():
        try:
            engine = create_engine(url, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
            return url
        except Exception:
            continue
    return None


@pytest.fixture(scope="session")
def pg_url():
    url = _reachable_pg()
    if url is None:
        reason = "no PostgreSQL server on 127.0.0.1:5432 (set KYSO_TEST_PG_URL to point at one)"
        if os.environ.get("CI"):
            pytest.fail(reason + " — CI must have one")
        pytest.skip(reason)
    return url


def pg_schema(pg_url):
    """A fresh schema of the test database, as a URL whose connections use it (a generator: the
    schema is dropped when it is closed)."""
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"kyso_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{pg_url}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def pg_database(pg_url):
    """A fresh schema of the test database, as a URL whose connections use it."""
    yield from pg_schema(pg_url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kyso.sqlite'}"
    return request.getfixturevalue("pg_database")


def variants(source: Path, count: int, out_dir: Path, prefix: str = "doc") -> list[Path]:
    """`count` distinct genuine documents: `source` plus an incremental /Info update with a
    unique title (a permitted update after signing, so they stay VALID)."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    out_dir.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    paths = []
    for i in range(count):
        w = IncrementalPdfFileWriter(io.BytesIO(data))
        w.set_info(generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject(f"{prefix} {i}")}))
        buf = io.BytesIO()
        w.write(buf)
        path = out_dir / f"{prefix}-{i:04d}.pdf"
        path.write_bytes(buf.getvalue())
        paths.append(path)
    return paths


# --- the live test PKI on 127.0.0.1 (tests/livepki) ---------------------------------------------

@pytest.fixture(scope="session")
def _live_pki_session(tmp_path_factory):
    pytest.importorskip("certomancer", reason="certomancer (test extra) runs the live test PKI")
    from tests.livepki.pki import LivePki

    pki = LivePki(tmp_path_factory.mktemp("livepki"))
    yield pki
    pki.close()


@pytest.fixture
def live_pki(_live_pki_session):
    """The live PKI of this test process with every service up; whatever a test switched off is
    switched on again after it."""
    _live_pki_session.all_up()
    yield _live_pki_session
    _live_pki_session.all_up()


# --- a real `kyso serve` (tests/serving.py, issue 19) --------------------------------------------

@pytest.fixture(scope="session")
def _served_template(tmp_path_factory):
    """An archive with a few documents and the test accounts, made once per test process."""
    pytest.importorskip("httpx", reason="httpx (test extra) is the HTTP client of the server tests")
    from tests.serving import prepare

    home = tmp_path_factory.mktemp("served-template") / "home"
    tokens = prepare(home)
    return home, tokens


@pytest.fixture(scope="module")
def served(_served_template, tmp_path_factory):
    """A `kyso serve` of its own for the module, on a copy of the prepared archive."""
    from tests.serving import Server, copy_home

    template, tokens = _served_template
    home = copy_home(template, tmp_path_factory.mktemp("served") / "home")
    server = Server(home, tokens, args=("--workers", "1")).start()
    yield server
    server.stop()
