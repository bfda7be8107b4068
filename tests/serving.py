"""A real `kyso serve` on 127.0.0.1 for the tests of the console and the API (issue 19): an
archive made by `kyso ingest` of a few samples, one account per role with an API token, and
the server as a subprocess, answered over real HTTP (httpx)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT, SAMPLES

KYSO = [sys.executable, "-m", "archive"]
TRUST = SAMPLES / "pki" / "trust.pem"
PASSWORD = "mat-khau-thu-nghiem"  # every test account's
# role -> (account name, its roles)
ACCOUNTS = {"clerk": ("van.thu", "clerk"), "auditor": ("kiem.tra", "auditor"), "admin": ("quan.tri", "admin"),
            "both": ("hai.vai", "clerk,auditor")}
# what the archive holds: a valid plan, a document changed after signing, one under an untrusted root
INGESTED = ("plan.pdf", "content-changed.pdf", "untrusted-root.pdf")


def env_for(home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KYSO_")}
    env.update(KYSO_HOME=str(home), PYTHONPATH=str(ROOT), **extra)
    return env


def kyso(home: Path, *args: str, stdin: str | None = None, check: bool = True, **extra) -> subprocess.CompletedProcess:
    done = subprocess.run([*KYSO, *args], input=stdin, capture_output=True, text=True, env=env_for(home, **extra),
                          cwd=ROOT, timeout=300)
    if check and done.returncode not in (0,):
        raise AssertionError(f"kyso {' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def set_up(home: Path, *args: str, stdin: str | None = None, check: bool = True, **extra) -> subprocess.CompletedProcess:
    """`kyso ARGS` as kyso() runs it, in this process (tests/inprocess.py): what a server test
    starts from is made by commands tested in processes of their own elsewhere, and the nine
    fresh interpreters per archive were most of each server fixture's time."""
    import asyncio

    from tests import inprocess

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        done = inprocess.kyso(*args, env=env_for(home, **extra), input=stdin, cwd=ROOT)
    else:  # pyHanko cannot run its own event loop inside one
        return kyso(home, *args, stdin=stdin, check=check, **extra)
    if check and done.returncode not in (0,):
        raise AssertionError(f"kyso {' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def prepare(home: Path, ingested=INGESTED, database_url: str | None = None) -> dict[str, str]:
    """An archive at `home` holding `ingested`, and the test accounts: role -> API token."""
    extra = {"KYSO_DATABASE_URL": database_url} if database_url else {}
    if ingested:
        set_up(home, "ingest", *(str(SAMPLES / n) for n in ingested), "--trust", str(TRUST), "--no-trust-store",
               "--no-ocr", check=False, **extra)
    tokens = {}
    for role, (name, roles) in ACCOUNTS.items():
        set_up(home, "accounts", "add", name, "--role", roles, "--password-stdin", stdin=PASSWORD + "\n", **extra)
        tokens[role] = set_up(home, "accounts", "token", name, **extra).stdout.strip()
    return tokens


# what `kyso serve` says when its port is taken (archive/web/run.py), in either language
PORT_TAKEN = ("another program is using this port", "cổng này đang được một chương trình khác dùng")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    home: Path
    tokens: dict[str, str]
    args: tuple[str, ...] = ()
    env: dict = field(default_factory=dict)
    # the trust of every test server: the test PKI, not the archive's trust store; () leaves the
    # server to the trust store of its KYSO_HOME, as a real one is
    trust: tuple[str, ...] = ("--trust", str(TRUST), "--no-trust-store")
    port: int = 0
    proc: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> "Server":
        import httpx

        chosen = not self.port  # a port we picked can be taken before kyso binds it: pick again
        for _attempt in range(5):
            self.port = self.port or free_port()
            self.log = self.home.parent / f"serve-{self.port}.log"
            with self.log.open("wb") as out:
                self.proc = subprocess.Popen([*KYSO, "serve", "--port", str(self.port), *self.trust, *self.args], stdout=out,
                                             stderr=subprocess.STDOUT, env=env_for(self.home, **self.env), cwd=ROOT,
                                             start_new_session=True)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    said = self.log.read_text()
                    if chosen and any(words in said for words in PORT_TAKEN):
                        self.port = 0
                        break
                    raise AssertionError(f"kyso serve ended with {self.proc.returncode}:\n{said}")
                try:
                    if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            else:
                self.stop()
                raise AssertionError(f"kyso serve did not answer in {timeout} s:\n{self.log.read_text()}")
        raise AssertionError(f"kyso serve found every port it was given taken:\n{self.log.read_text()}")

    def stop(self) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            return self.proc.wait()

    def api(self, role: str | None = None):
        """An httpx client of the API, as `role`'s account (None: no token)."""
        import httpx

        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)

    def signed_in(self, role: str):
        """An httpx client of the console, signed in as `role`'s account (its cookie jar holds the session)."""
        import httpx

        client = httpx.Client(base_url=self.url, timeout=120, follow_redirects=False)
        answer = client.post("/login", data={"name": ACCOUNTS[role][0], "password": PASSWORD, "next": "/"})
        assert answer.status_code == 303, answer.text
        return client


def copy_home(template: Path, home: Path) -> Path:
    """A copy of a prepared archive (SQLite, objects, trust store, audit head)."""
    shutil.copytree(template, home, symlinks=True)
    return home
