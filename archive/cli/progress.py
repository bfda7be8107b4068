"""Progress of a command that can take more than a few seconds, on the terminal only.

On a terminal (stderr is one) a single line is redrawn in place: "kyso verify: 12/220 · còn
khoảng 3:05" when the number of items is known, "12 · 1,4 tệp/giây" when it is not (a list on
standard input), and, while one item takes long (a 13 s verification), the item's name and the
seconds spent on it, so a long wait never looks like a hang. Without a terminal (a pipe, a log,
cron) and with `-q` it says nothing: what a script reads stays the results alone.

The line lives on stderr while results go to stdout, which is often the same terminal: write
results inside `with progress.paused():` so the line is wiped first and redrawn after.

    with Progress(total, "kyso verify", lang) as progress:
        for item in items:
            progress.start(item.name)       # the ticker shows it if it takes over ~2 s
            result = work(item)
            with progress.paused():
                click.echo(result)
            progress.done()
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import TextIO

SLOW = 2.0  # seconds an item may take before its name and elapsed time are shown
TICK = 0.5  # seconds between redraws by the ticker


def shown(stream: TextIO | None = None) -> bool:
    """Whether progress is drawn on `stream` (default stderr): a terminal, and not `kyso -q`
    (archive.cli.terminal, the one place the group's options are kept)."""
    from archive.cli import terminal

    stream = stream or sys.stderr
    try:
        return not terminal.quiet and stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def clock(seconds: float) -> str:
    """m:ss (h:mm:ss past an hour)."""
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _number(value: float, lang: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "vi" else text


class Progress:
    """A progress line for `total` items (None: not known in advance), drawn only when shown()."""

    def __init__(self, total: int | None, label: str, lang: str = "vi", stream: TextIO | None = None,
                 enabled: bool | None = None):
        self.total, self.label, self.lang = total, label, lang
        self.stream = stream or sys.stderr
        self.enabled = shown(self.stream) if enabled is None else enabled
        self.count = 0
        self._began = time.monotonic()
        self._item: str | None = None
        self._item_began = 0.0
        self._lock = threading.RLock()
        self._drawn = False
        self._last = 0.0
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    # -- the command's side ---------------------------------------------------------------------
    def __enter__(self) -> Progress:
        if self.enabled:
            self._ticker = threading.Thread(target=self._tick, name="kyso-progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *exc) -> bool:
        self.close()
        return False

    def start(self, name: str | None = None) -> None:
        """An item begins (its name is shown if it takes long)."""
        with self._lock:
            self._item, self._item_began = name, time.monotonic()

    def done(self, n: int = 1) -> None:
        """`n` more items are finished."""
        with self._lock:
            self.count += n
            self._item = None
            now = time.monotonic()
            # a single quick item draws nothing; a batch shows its count from the first item on
            if self.enabled and (self.total != 1 or now - self._began >= SLOW) and (
                    now - self._last >= 0.1 or self.count == self.total):
                self._draw()

    @contextmanager
    def paused(self):
        """Around output to the terminal: the line is wiped first and redrawn on the next step."""
        with self._lock:
            self._wipe()
            yield

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            self._wipe()

    # -- drawing --------------------------------------------------------------------------------
    def line(self, now: float | None = None) -> str:
        """The progress line as it is drawn now."""
        from archive.cli.words import say

        now = time.monotonic() if now is None else now
        spent = now - self._began
        parts = [f"{self.label}: {self.count}/{self.total}" if self.total is not None else f"{self.label}: {self.count}"]
        if self.total is not None and 0 < self.count < self.total and spent > 1:
            parts.append(say("progress_left", self.lang, t=clock(spent / self.count * (self.total - self.count))))
        elif self.total is None and self.count and spent > 1:
            parts.append(say("progress_rate", self.lang, r=_number(self.count / spent, self.lang)))
        if self._item is not None and now - self._item_began >= SLOW:
            parts.append(say("progress_on", self.lang, name=_short(self._item), s=int(now - self._item_began)))
        return " · ".join(parts)

    def _draw(self) -> None:
        text = self.line()
        width = _width(self.stream)
        if len(text) >= width:
            text = text[: max(0, width - 2)] + "…"
        try:
            self.stream.write("\r\x1b[K" + text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on
            self.enabled = False
            return
        self._drawn, self._last = True, time.monotonic()

    def _wipe(self) -> None:
        if self._drawn:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self._drawn = False

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            with self._lock:
                if not self.enabled:
                    return
                slow = self._item is not None and time.monotonic() - self._item_began >= SLOW
                if slow or time.monotonic() - self._began >= SLOW:
                    self._draw()


def _short(name: str, keep: int = 40) -> str:
    from archive.textsafe import for_terminal

    name = for_terminal(name)
    return name if len(name) <= keep else "…" + name[-(keep - 1):]


def _width(stream) -> int:
    import os

    try:
        return os.get_terminal_size(stream.fileno()).columns or 80  # 0: a terminal that never said
    except (OSError, ValueError, AttributeError):
        return 80
