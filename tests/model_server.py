"""Test helpers for model management: model trees, zip files, and a real HTTP server on 127.0.0.1.

The server runs `http.server` on a free port in a thread and serves what a test registers: a complete file,
a file that lies about its size, one that breaks off half-way (the connection is closed early), or one that
stalls. Nothing here touches the internet.
"""

from __future__ import annotations

import socket
import stat
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

import numpy as np

LOCALHOST = "127.0.0.1"
STALL_RELEASE_S = 10.0  # a stalled response gives up waiting after this long, even if a test forgets it
POLL_S = 0.02  # how often the server checks for shutdown: a quick teardown
TRUE_SIZE = -1  # `declared_size` default: announce the body's real length
SEED = 20240611  # model files are seeded noise: incompressible like real weights, same bytes every run

# A structurally valid Vosk model in the small-model layout (lookahead graph), with file sizes in bytes.
VOSK_TREE = {
    "am/final.mdl": 120_000,
    "conf/model.conf": 200,
    "conf/mfcc.conf": 100,
    "graph/HCLr.fst": 80_000,
    "graph/Gr.fst": 60_000,
    "graph/disambig_tid.int": 100,
    "graph/phones/word_boundary.int": 100,
    "ivector/final.ie": 30_000,
    "README": 50,
}
WHISPER_TREE = {"model.bin": 50_000, "config.json": 300, "tokenizer.json": 2_000, "vocabulary.txt": 1_000}


def write_tree(root: Path, tree: dict[str, int], *, seed: int = SEED) -> Path:
    """Files of the given sizes below `root`, filled with seeded noise."""
    rng = np.random.default_rng(seed)
    for name, size in tree.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.integers(0, 256, size, dtype=np.uint8).tobytes())
    return root


def zip_dir(source: Path, zip_path: Path, *, top: str | None, compress: bool = True) -> Path:
    """Zip everything below `source`, under the top-level folder `top` (None: at the archive's root)."""
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(zip_path, "w", method) as archive:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                relative = path.relative_to(source).as_posix()
                archive.write(path, f"{top}/{relative}" if top else relative)
    return zip_path


def add_member(zip_path: Path, name: str, data: bytes = b"x", *, symlink: bool = False) -> Path:
    """Append one raw member with exactly `name` (which may be hostile: `../x`, `/etc/x`, a symlink)."""
    info = zipfile.ZipInfo(name)
    if symlink:
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(zip_path, "a") as archive:
        archive.writestr(info, data)
    return zip_path


def closed_port() -> int:
    """A local port that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass(frozen=True)
class Route:
    body: bytes
    declared_size: int | None  # the Content-Length header; None = none (the body ends with the connection)
    send_bytes: int | None = None  # stop after this many bytes and close the connection (None = all)
    stall: bool = False  # after `send_bytes`, hold the connection open instead of closing it


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True  # a stalled response must not keep the test run alive

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up early (a refused size, a timeout) is what some tests do on purpose."""


class ModelServer:
    """`with ModelServer() as server: server.add("/m.zip", data); url = server.url("/m.zip")`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.release = threading.Event()
        self._httpd = _QuietServer((LOCALHOST, 0), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(POLL_S,), daemon=True)

    def add(
        self,
        path: str,
        body: bytes,
        *,
        declared_size: int | None = TRUE_SIZE,
        send_bytes: int | None = None,
        stall: bool = False,
    ) -> str:
        """Serve `body` at `path`; returns the full URL."""
        size = len(body) if declared_size == TRUE_SIZE else declared_size
        self.routes[path] = Route(body, size, send_bytes, stall)
        return self.url(path)

    def url(self, path: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def __enter__(self) -> ModelServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection: closing it ends the body

            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/zip")
                if route.declared_size is not None:
                    self.send_header("Content-Length", str(route.declared_size))
                self.end_headers()
                for chunk in _chunks(route.body[: route.send_bytes]):
                    self.wfile.write(chunk)
                self.wfile.flush()
                if route.stall:
                    server.release.wait(STALL_RELEASE_S)

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

        return Handler


def _chunks(data: bytes, size: int = 16_384) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def leftovers(folder: Path) -> list[str]:
    """Everything in a models folder, hidden entries included: after a failure this must be empty."""
    return sorted(entry.name for entry in folder.iterdir()) if folder.exists() else []
