"""`kyso` run in the test's own process with click's runner, answering as a finished process does
(a subprocess.CompletedProcess: returncode, stdout, stderr).

A fresh interpreter costs a second or more of CPU before a command does anything (Python,
SQLAlchemy and pyHanko imported again); the suite runs hundreds of commands, and that start-up
was most of its time. In this process the command runs the same code from click's entry point:
the language decided from the arguments and KYSO_LANG, every failure turned into one sentence and
an exit code by archive.cli.failures, the environment and the working directory as given. What
only a real process shows (the status a shell sees, output before click runs, signals, a
terminal, worker processes started afresh) stays tested with real subprocesses in each file.

State a command leaves behind in the process (the root logger's handler and level, the active
language, the lock-wait notice, frozen garbage, signal handlers) is put back after each run, and
each run starts with no kept reports (archive.verify_pool's cache, empty in a fresh process), so
one test's command cannot change what the next one sees. What a process caches for its lifetime
beyond that (whether Tesseract's data is there) is tested with real processes, and so is
`kyso verify` of several files, whose worker processes are forked from the calling process, and
so are the commands of a module whose thread runs an event loop (Playwright's, in
tests/test_report_files.py), inside which pyHanko cannot run its own.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import subprocess
from collections.abc import Mapping
from pathlib import Path


def kyso(*args, env: Mapping[str, str] | None = None, input: str | bytes | None = None, cwd: Path | str | None = None,
         text: bool = True) -> subprocess.CompletedProcess:
    """`kyso ARGS` with exactly the environment `env` (os.environ when None; variables it lacks
    are unset for the run), `input` on standard input, in `cwd`. Output is str, or bytes with
    text=False. An exception that is no exit is raised: in a real process it would be a bug."""
    from click.testing import CliRunner

    from archive.cli import main

    argv = [str(a) for a in args]
    changes: dict[str, str | None] = {}
    if env is not None:
        changes = {k: v for k, v in env.items() if os.environ.get(k) != v}
        changes.update({k: None for k in os.environ if k not in env})
    with _restored(cwd):
        result = CliRunner().invoke(main, argv, env=changes, input=input, prog_name="kyso")  # as the installed script
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if text:
        return subprocess.CompletedProcess(["kyso", *argv], result.exit_code, result.stdout, result.stderr)
    return subprocess.CompletedProcess(["kyso", *argv], result.exit_code, result.stdout_bytes, result.stderr_bytes)


class _restored:
    """The process as it was before the command: see the module's docstring."""

    def __init__(self, cwd):
        self.cwd = cwd

    def __enter__(self):
        from archive import lang, verify_pool
        from archive.cli import failures, main, terminal
        from archive.cli.clicklang import walk

        root = logging.getLogger()
        self.saved = dict(handlers=list(root.handlers), level=root.level, disable=logging.root.manager.disable,
                          lang=lang._active, terminal=(terminal.verbose, terminal.quiet),
                          signals={s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)},
                          cwd=os.getcwd())
        failures._archive_url.clear()  # the archive a previous command opened is not this one's
        verify_pool._cache = None  # a fresh process verifies afresh: no report kept from another test
        for _path, command in walk(main):  # click keeps each --help option once made, worded in the
            command._help_option = None  # language of that run; a process speaks one language
        if self.cwd is not None:
            os.chdir(self.cwd)
        return self

    def __exit__(self, *exc):
        from archive import lang
        from archive.cli import terminal
        from archive.db.session import set_wait_notice

        os.chdir(self.saved["cwd"])
        root = logging.getLogger()
        root.handlers[:] = self.saved["handlers"]
        root.setLevel(self.saved["level"])
        logging.disable(self.saved["disable"])
        lang._active = self.saved["lang"]
        terminal.verbose, terminal.quiet = self.saved["terminal"]
        set_wait_notice(None)
        for sig, handler in self.saved["signals"].items():
            signal.signal(sig, handler)
        gc.unfreeze()  # `kyso verify` freezes what exists for its workers' sake; here it is garbage to collect
        return False
