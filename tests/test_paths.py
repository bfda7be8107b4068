"""The files a batch is given (archive.cli.paths): folders walked recursively in sorted order,
`-` for a list on standard input (lines or NUL-separated), a missing or unreadable path reported
in its place without stopping the walk; and the progress line (archive.cli.progress).

Real folders and files in tmp_path."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from archive.cli import paths, progress


def tree(root):
    for rel in ("b/z.pdf", "b/a.PDF", "a.pdf", "b.pdf", "c/notes.txt", ".git/x.pdf", "b/.hidden.pdf"):
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"%PDF-1.7\n")
    return root


def names(items):
    return [(i.name, type(i.error).__name__ if i.error else None) for i in items]


def test_folders_are_walked_recursively_sorted_pdfs_only_hidden_left_out(tmp_path):
    root = tree(tmp_path / "in")
    got = names(paths.walk([root], keep=paths.is_pdf_name))
    assert got == [("in/a.pdf", None), ("in/b/a.PDF", None), ("in/b/z.pdf", None), ("in/b.pdf", None)]
    # the same order as sorting every path at once (what a user of `sort` expects of a folder)
    assert [i.path for i in paths.walk([root], keep=paths.is_pdf_name)] == sorted(
        p for p in root.rglob("*") if p.suffix.lower() == ".pdf" and not any(s.startswith(".") for s in p.relative_to(root).parts))
    assert paths.count([root], keep=paths.is_pdf_name) == 4
    # without a choice of names every visible file is taken (ingest decides by content)
    assert "in/c/notes.txt" in [i.name for i in paths.walk([root])]


def test_a_file_named_is_taken_whatever_its_name_and_order_is_as_given(tmp_path):
    root = tree(tmp_path / "in")
    got = names(paths.walk([root / "c" / "notes.txt", root / "a.pdf", root / "b" / ".hidden.pdf"], keep=paths.is_pdf_name))
    assert got == [("notes.txt", None), ("a.pdf", None), (".hidden.pdf", None)]


def test_missing_and_unreadable_paths_come_in_their_place_and_the_walk_goes_on(tmp_path):
    root = tree(tmp_path / "in")
    locked = root / "b"
    got = names(paths.walk([root / "nope.pdf", root / "a.pdf"], keep=paths.is_pdf_name))
    assert got == [(str(root / "nope.pdf"), "FileNotFoundError"), ("a.pdf", None)]
    locked.chmod(0)
    try:
        got = names(paths.walk([root], keep=paths.is_pdf_name)) if os.geteuid() else _walked_without_root_powers(root)
    finally:
        locked.chmod(0o755)
    assert got == [("in/a.pdf", None), ("in/b", "PermissionError"), ("in/b.pdf", None)]


def _walked_without_root_powers(root):
    """names(walk(root)) in a child process that has given up root's power to read any folder
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): tests run as root (containers, CI) see a locked
    folder as a clerk does."""
    import json
    import shutil
    import subprocess

    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root reads every folder, and setpriv (util-linux) is not there to give that up")
    code = ("import json, sys; from pathlib import Path; from archive.cli import paths; "
            "print(json.dumps([(i.name, type(i.error).__name__ if i.error else None) "
            "for i in paths.walk([Path(sys.argv[1])], keep=paths.is_pdf_name)]))")
    done = subprocess.run([setpriv, "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-c", code,
                           str(root)], capture_output=True, text=True, timeout=60, cwd=Path(paths.__file__).parents[2])
    assert done.returncode == 0, done.stderr
    return [tuple(item) for item in json.loads(done.stdout)]


def test_a_link_cycle_does_not_make_the_walk_endless(tmp_path):
    root = tree(tmp_path / "in")
    (root / "b" / "up").symlink_to(root)
    (root / "b" / "link.pdf").symlink_to(root / "a.pdf")
    (root / "b" / "dangling.pdf").symlink_to(root / "gone.pdf")
    got = [i.name for i in paths.walk([root], keep=paths.is_pdf_name)]
    assert got == ["in/a.pdf", "in/b/a.PDF", "in/b/link.pdf", "in/b/z.pdf", "in/b.pdf"]
    assert "in/b/link.pdf" not in [i.name for i in paths.walk([root], keep=paths.is_pdf_name, links=False)]


def test_dash_reads_a_list_of_paths_lines_or_nul_separated(tmp_path):
    root = tree(tmp_path / "in")
    odd = root / "t\u00ean l\u1ea1 \xe9.pdf"  # a name with spaces and non-ASCII letters
    odd.write_bytes(b"%PDF-1.7\n")
    listed = f"{root / 'a.pdf'}\r\n\n{odd}\n{root / 'c'}\n{root / 'missing.pdf'}".encode()
    got = names(paths.walk([root / "b.pdf", "-", root / "a.pdf"], stdin=io.BytesIO(listed), keep=paths.is_pdf_name))
    assert got == [("b.pdf", None), ("a.pdf", None), (odd.name, None), (str(root / "missing.pdf"), "FileNotFoundError"),
                   ("a.pdf", None)]  # the folder c holds no PDF
    newline = root / "two\nlines.pdf"
    newline.write_bytes(b"%PDF-1.7\n")
    nul = b"\0".join(os.fsencode(p) for p in (newline, root / "a.pdf")) + b"\0"
    assert [i.path for i in paths.walk(["-"], stdin=io.BytesIO(nul), null=True)] == [newline, root / "a.pdf"]
    assert paths.count(["-"]) is None
    # a path made of bytes that are not UTF-8 still reaches its file
    if sys.platform.startswith("linux"):
        raw = os.fsencode(root) + b"/\xff.pdf"
        open(raw, "wb").write(b"%PDF-1.7\n")
        (item,) = paths.walk(["-"], stdin=io.BytesIO(raw + b"\n"))
        assert item.error is None and item.path.is_file()


def test_a_large_list_is_walked_lazily(tmp_path):
    """The first item comes before the list is read to its end: nothing holds the whole batch."""

    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            line = b"/nonexistent/x.pdf\n" * 100
            b[: len(line)] = line
            return len(line)

    walk = paths.walk(["-"], stdin=io.BufferedReader(Endless()))
    first = [next(walk) for _ in range(5)]
    assert all(i.error is not None for i in first)


def test_progress_line_counts_time_left_and_a_slow_item():
    out = io.StringIO()
    with progress.Progress(10, "kyso verify", "en", stream=out, enabled=True) as p:
        p._began -= 30
        p.start("a.pdf")
        p.done(3)
        assert p.line().startswith("kyso verify: 3/10 · about 1:10 left")
        p.start("slow.pdf")
        p._item_began -= 13
        assert p.line().endswith("working on slow.pdf: 13 s")
        with p.paused():
            out.write("RESULT\n")
    assert "\r\x1b[KRESULT\n" in out.getvalue()  # the line is wiped before a result is written
    unknown = progress.Progress(None, "kyso verify", "vi", stream=io.StringIO(), enabled=True)
    unknown._began -= 10
    unknown.count = 25
    assert unknown.line() == "kyso verify: 25 · 2,5 tệp/giây"


def test_no_progress_without_a_terminal_or_with_quiet(tmp_path, monkeypatch):
    from archive.cli import terminal

    out = io.StringIO()
    assert not progress.shown(out)
    with progress.Progress(3, "kyso verify", "en", stream=out) as p:
        p.done(3)
    assert out.getvalue() == ""
    controller, end = os.openpty()  # a real terminal, whatever runs the tests
    try:
        with open(end, "w", closefd=True) as tty:
            assert progress.shown(tty)
            monkeypatch.setattr(terminal, "quiet", True)  # what `kyso -q` sets
            assert not progress.shown(tty)
    finally:
        os.close(controller)


def test_kyso_q_draws_no_progress_on_a_terminal(tmp_path):
    """`kyso -q verify` on a terminal prints the results and nothing else on it."""
    from tests.conftest import SAMPLES, manifest
    from tests.terminal import on_a_terminal

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.pdf", "b.pdf"):
        (folder / name).write_bytes((SAMPLES / "appendix.pdf").read_bytes())
    env = {**os.environ, "KYSO_LANG": "en", "KYSO_HOME": str(tmp_path / "home")}
    args = ["verify", "--jobs", "1", "--trust", str(SAMPLES / manifest()["trust"]), str(folder)]
    code, out, shown = on_a_terminal([sys.executable, "-m", "archive", *args], env)
    assert code == 0 and b"kyso verify: 2/2" in shown  # drawn without -q: the check below can fail
    code, out, shown = on_a_terminal([sys.executable, "-m", "archive", "-q", *args], env)
    assert code == 0 and b"SUMMARY of 2 files" in out  # the results still come
    assert b"kyso verify" not in shown


def test_a_long_single_item_shows_its_name_and_seconds(monkeypatch):
    """The ticker redraws while one verification takes long (13 s for a real document): the
    line names the file, so a long wait never looks like a hang."""
    import time

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(progress, "SLOW", 0.2)
    monkeypatch.setattr(progress, "TICK", 0.05)
    out = Terminal()
    with progress.Progress(1, "kyso verify", "en", stream=out) as p:
        p.start("big.pdf")
        time.sleep(1.5)
        p.done()
    assert "working on big.pdf: 1 s" in out.getvalue()
    assert out.getvalue().endswith("\r\x1b[K")
