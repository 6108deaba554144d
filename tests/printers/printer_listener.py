"""A TCP listener on 127.0.0.1 that plays a network receipt printer (port 9100 style)."""

from __future__ import annotations

import socket
import threading

DLE_EOT = b"\x10\x04"


def free_port() -> int:
    """Return a loopback port that nothing listens on (connecting to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrinterListener:
    """A pretend network printer.

    :param port: the port to listen on (a free one when omitted)
    :param reads: False plays a printer that accepts connections but never reads
    :param status_answers: answer byte per DLE EOT n query, e.g. {1: b"\\x16", 4: b"\\x12"};
        queries without an answer are left unanswered, as a printer that ignores them would
    """

    def __init__(
        self,
        port: int | None = None,
        reads: bool = True,
        status_answers: dict[int, bytes] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.reads = reads
        self.status_answers = status_answers or {}
        self.jobs: list[bytes] = []
        self.jobs_changed = threading.Condition()
        self._stopping = threading.Event()
        self._connections: list[socket.socket] = []
        self._thread: threading.Thread | None = None
        self._server: socket.socket | None = None

    def start(self) -> PrinterListener:
        """Start listening (and accepting) in a background thread."""
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if not self.reads:
            # A small receive window makes a printer that does not read fill up quickly.
            server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        server.bind(("127.0.0.1", self.port))
        server.listen(8)
        server.settimeout(0.05)
        self._server = server
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()
        return self

    def __enter__(self) -> PrinterListener:
        return self.start()

    def __exit__(self, *exception_info) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop listening, drop every connection, and wait for the threads."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)
        for connection in self._connections:
            connection.close()
        if self._server is not None:
            self._server.close()

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[bytes]:
        """Wait until ``count`` whole jobs (connections closed by the sender) have arrived."""
        with self.jobs_changed:
            self.jobs_changed.wait_for(lambda: len(self.jobs) >= count, timeout)
            return list(self.jobs)

    def _accept_loop(self) -> None:
        # Like a real port-9100 printer, take one connection at a time: the next job waits
        # in the backlog until this one is read to its end, so jobs are kept in order.
        while not self._stopping.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            self._connections.append(connection)
            if self.reads:
                self._read_job(connection)

    def _read_job(self, connection: socket.socket) -> None:
        connection.settimeout(0.05)
        received = bytearray()
        while not self._stopping.is_set():
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                break
            received.extend(chunk)
            self._answer_status_queries(connection, chunk)
        else:
            return  # stopped in the middle of a job: it never arrived whole
        with self.jobs_changed:
            self.jobs.append(bytes(received))
            self.jobs_changed.notify_all()

    def _answer_status_queries(self, connection: socket.socket, chunk: bytes) -> None:
        start = chunk.find(DLE_EOT)
        while start != -1 and start + 2 < len(chunk):
            answer = self.status_answers.get(chunk[start + 2])
            if answer is not None:
                connection.sendall(answer)
            start = chunk.find(DLE_EOT, start + 3)
