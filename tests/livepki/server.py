"""One service of the live PKI on its own port of 127.0.0.1, switchable between three states a
clerk's network can be in: up (answers), down (the port is closed: connection refused) and hang
(the port accepts connections and never answers, as a responder behind a broken proxy does);
or it answers every request with the same bytes (`Answer`: a responder gone wrong).

Each service has its own port so that one can fail while the others answer; they all serve the
same certomancer animator, whose routes carry the service in the path.

A service holds its port from creation to `close`, whatever its state: the port is written into
the certificates, and a port let go while a service is down can be taken by another process of
the suite (a server it starts, or only the local end of a connection it makes). werkzeug then
calls sys.exit, which pytest cannot cache as a fixture's failure: every later test of the worker
failed on pytest's own assertion. A socket bound without listening holds the port and refuses
connections; the listening sockets share the port with it (SO_REUSEPORT).
"""

from __future__ import annotations

import logging
import socket
import threading

UP, DOWN, HANG = "up", "down", "hang"

# one line per request on stderr would drown the test output
logging.getLogger("werkzeug").setLevel(logging.ERROR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _shared(port: int) -> socket.socket:
    """A socket bound to 127.0.0.1:`port` alongside the holder (and TIME_WAIT leftovers)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    return sock


class _Hanger:
    """Accepts connections and holds them open without reading or writing a byte."""

    def __init__(self, port: int):
        self.sock = _shared(port)
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.held: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"livepki-hang-{port}", daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self.held.append(conn)

    def stop(self):
        self.stopping.set()
        self.thread.join()
        self.sock.close()
        for conn in self.held:
            conn.close()


class _Server:
    """The animator served by werkzeug in a thread."""

    def __init__(self, port: int, app):
        from werkzeug.serving import make_server

        self.sock = _shared(port)
        self.sock.listen(128)
        self.server = make_server("127.0.0.1", port, app, threaded=True, fd=self.sock.fileno())
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                       name=f"livepki-{port}", daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()  # werkzeug's duplicate of the descriptor
        self.sock.close()
        self.thread.join()


class Answer:
    """A service that answers every request with `body` (a responder gone wrong)."""

    def __init__(self, body: bytes, content_type: str = "application/octet-stream"):
        self.body, self.content_type = body, content_type

    def __call__(self, environ, start_response):
        start_response("200 OK", [("Content-Type", self.content_type), ("Content-Length", str(len(self.body)))])
        return [self.body]


class Service:
    def __init__(self, name: str, app=None):
        self.name = name
        self._holder = _shared(0)  # bound, never listening: the port stays this service's
        self.port = self._holder.getsockname()[1]
        self.app = app
        self.state = DOWN
        self._running = None
        self.requests = 0  # answered requests, to tell a test whether the service was asked at all

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _counting(self, environ, start_response):
        self.requests += 1
        return self.app(environ, start_response)

    def set(self, state) -> None:
        """UP, DOWN, HANG, or an Answer: every request answered with the same bytes."""
        if state == self.state:
            return
        if self._running is not None:
            self._running.stop()
            self._running = None
        if state == UP:
            self._running = _Server(self.port, self._counting)
        elif state == HANG:
            self._running = _Hanger(self.port)
        elif isinstance(state, Answer):
            self._running = _Server(self.port, state)
        elif state != DOWN:
            raise ValueError(f"unknown service state {state!r}")
        self.state = state

    def close(self) -> None:
        """Down for good: the port is let go."""
        self.set(DOWN)
        self._holder.close()
