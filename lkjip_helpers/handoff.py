"""One path for a prepared analysis: made in one process, rendered by a notebook's kernel in another.

The process that runs papermill opens a :class:`Handoff` — a Unix socket in Linux's abstract
namespace (no file to leave behind), answering only processes of the same user — and passes its
:attr:`~Handoff.address` to the notebook (the ``prepared`` parameter). Objects are published under a
name with :meth:`~Handoff.put`; the kernel asks for one with :func:`fetch`, which blocks until the
object is there and returns ``None`` at once when it never will be (the producer failed or died, or the
handoff closed). No files are polled and no timeout decides: the answer comes when the producer
delivers or is gone.

Producers: the caller itself (``put``, e.g. a batch worker that made the analysis before starting the
notebook), or a worker process watched with :meth:`~Handoff.watch`: it sends ``(name, bytes)``
messages through a pipe, and its sentinel tells its death the moment it happens, so whatever it had
not delivered is declared gone and the notebook makes it itself.

This module imports nothing from the package: the notebook side (``sections``) and the producing
side (``prepare``, a batch) both import it, never each other.
"""
from __future__ import annotations

import os
import pickle
import secrets
import socket
import struct
import threading

_HEADER = struct.Struct("!?Q")  # delivered?, payload length


class Handoff:
    """A place where named objects are handed to another process of the same user."""

    def __init__(self):
        self.address = f"\0lkjip-{os.getpid()}-{secrets.token_hex(16)}"
        self._items: dict[str, bytes | None] = {}  # None: gone, never delivered
        self._closed = False
        self._cond = threading.Condition()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(self.address)
        self._sock.listen(16)
        threading.Thread(target=self._accept, name="lkjip-handoff", daemon=True).start()

    # ------------------------------------------------------------------ producing
    def put(self, name: str, obj) -> None:
        """Publish ``obj`` (pickled here) under ``name``."""
        self.put_bytes(name, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))

    def put_bytes(self, name: str, payload: bytes | None) -> None:
        """Publish an already pickled object (None: it will never come)."""
        with self._cond:
            self._items.setdefault(name, payload)
            self._cond.notify_all()

    def gone(self, *names: str) -> None:
        """Declare that these objects will not come: :func:`fetch` returns None for them."""
        for name in names:
            self.put_bytes(name, None)

    def watch(self, proc, conn, names: tuple[str, ...]) -> threading.Thread:
        """Take ``(name, bytes)`` messages from ``conn`` (a pipe from worker ``proc``) until the
        worker ends; then every name not delivered is gone. Returns the watching thread."""
        def run():
            from multiprocessing.connection import wait

            try:
                while True:
                    ready = wait([conn, proc.sentinel])
                    if conn in ready:
                        try:
                            name, payload = conn.recv()
                        except (EOFError, OSError):
                            break
                        self.put_bytes(name, payload)
                    elif not conn.poll():
                        break  # dead, and nothing left in the pipe
            finally:
                self.gone(*names)
                conn.close()

        thread = threading.Thread(target=run, name="lkjip-handoff-watch", daemon=True)
        thread.start()
        return thread

    def wait(self, name: str) -> None:
        """Until ``name`` is published or declared gone, or the handoff closes."""
        with self._cond:
            self._cond.wait_for(lambda: name in self._items or self._closed)

    # ------------------------------------------------------------------ serving
    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            try:
                creds = client.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                          struct.calcsize("3i"))
                if struct.unpack("3i", creds)[1] != os.getuid():
                    return  # another user's process: no answer
                name = client.makefile("rb").readline(256).decode("utf-8", "replace").strip()
                self.wait(name)
                with self._cond:
                    payload = self._items.get(name)
                client.sendall(_HEADER.pack(payload is not None, len(payload or b"")))
                if payload:
                    client.sendall(payload)
            except OSError:
                pass  # the asker went away

    def close(self) -> None:
        """Stop answering; whoever still waits gets None."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()

    def __enter__(self) -> "Handoff":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def fetch(address: str, name: str):
    """The object published under ``name`` at ``address``, waiting until it is there; None when it
    will not come (failed or dead producer, closed or absent handoff)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(address)
            sock.sendall(name.encode("utf-8") + b"\n")
            stream = sock.makefile("rb")
            head = stream.read(_HEADER.size)
            if len(head) < _HEADER.size:
                return None
            delivered, size = _HEADER.unpack(head)
            payload = stream.read(size) if delivered else b""
            if not delivered or len(payload) < size:
                return None
    except OSError:
        return None
    return pickle.loads(payload)
