"""Running a command with its stderr on a real terminal (a pty), as a clerk sees it: what kyso
draws for a person (progress, the which-archive line) is only drawn there."""

from __future__ import annotations

import os
import pty
import subprocess


def on_a_terminal(argv: list[str], env: dict, timeout: float = 300) -> tuple[int, bytes, bytes]:
    """(exit code, stdout, what the terminal showed): stdout is a pipe, as `kyso … > out.txt`."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=terminal, env=env)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    out = proc.stdout.read()
    proc.wait(timeout=timeout)
    os.close(controller)
    return proc.returncode, out, shown
