"""A TCP proxy on 127.0.0.1 (port 0) that can turn into a network black hole and back.

Forwarding, it relays bytes both ways. As a black hole (``black_hole()``) it still accepts
connections and reads whatever it is sent, but forwards nothing and answers nothing, in either
direction: no data, no reset, no close, like a network that silently drops every packet. A
connection that lost bytes that way stays a black hole (its stream is broken); after
``forward()`` new connections work again.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


class _Link:
    """One client connection and, when it was made while forwarding, its upstream connection."""

    def __init__(self, client: socket.socket, upstream: socket.socket | None) -> None:
        self.client = client
        self.upstream = upstream
        self.dead = upstream is None  # lost bytes (or never connected): never forwards again

    def close(self) -> None:
        for sock in (self.client, self.upstream):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._forwarding = threading.Event()
        self._forwarding.set()
        self._lock = threading.Lock()
        self._links: list[_Link] = []
        self._closed = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._thread = threading.Thread(target=self._accept_loop, daemon=True, name="tcp-proxy")

    def __enter__(self) -> TcpProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def forwarding(self) -> bool:
        return self._forwarding.is_set()

    def black_hole(self) -> None:
        self._forwarding.clear()

    def forward(self) -> None:
        self._forwarding.set()

    def stop(self) -> None:
        with self._lock:
            self._closed = True
            links, self._links = self._links, []
        with contextlib.suppress(OSError):
            self._listener.close()
        for link in links:
            link.close()
        self._thread.join(5)

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = None
            if self.forwarding:
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                    upstream.settimeout(None)
                except OSError:
                    client.close()
                    continue
            link = _Link(client, upstream)
            with self._lock:
                if self._closed:
                    link.close()
                    return
                self._links.append(link)
            threading.Thread(target=self._pump, args=(link, client, upstream), daemon=True).start()
            if upstream is not None:
                threading.Thread(target=self._pump, args=(link, upstream, client), daemon=True).start()

    def _pump(self, link: _Link, source: socket.socket, sink: socket.socket | None) -> None:
        for data in self._chunks(source):
            if link.dead or not self.forwarding or sink is None:
                link.dead = True  # swallowed: this stream can never be trusted again
                continue
            try:
                sink.sendall(data)
            except OSError:
                break
        if not link.dead:  # a real close is passed on; a black hole never answers, not even with a close
            link.close()

    @staticmethod
    def _chunks(source: socket.socket) -> Iterator[bytes]:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            yield data
