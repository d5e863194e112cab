"""Connect to Milvus: an embedded folder (Milvus Lite), a local server on a loopback port, or a cluster.

The three differ only in the ``MilvusClient`` constructor's argument; every call after it is the
same code. Milvus Lite keeps an embedded database under a local path (``…/name.db``); a server,
local or remote, is an ``http://host:port`` URI (plus a token on a secured cluster).
"""
from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pymilvus import MilvusClient
from pymilvus.exceptions import MilvusException

from .. import runtime

# pymilvus logs every failed call at ERROR level before raising it, and the embedded server logs a
# traceback for each optional call it does not implement (AllocTimestamp); the course turns each
# failure into one clear exception instead, so these log lines would only be noise in a notebook.
for _name in ("pymilvus", "grpc._server"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


class VectorDBError(ValueError):
    """A clear message for a bad request (missing collection, wrong dimension, empty batch, …)."""


def database_path(name: str, folder: Path | str | None = None) -> Path:
    """Where an embedded database lives: under the course cache (git-ignored), never in the repo."""
    folder = Path(folder) if folder is not None else runtime.cache_dir() / "vectordb"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.db"


def connect(path: Path | str | None = None, *, uri: str | None = None, token: str = "") -> MilvusClient:
    """A client for an embedded database at ``path`` (default), or for the server at ``uri``.

    The one line that moves the same code to a cluster is ``connect(uri="http://milvus:19530",
    token="user:password")``."""
    if (path is None) == (uri is None):
        raise VectorDBError("Pass exactly one of `path` (embedded Milvus Lite) or `uri` (a Milvus server).")
    if uri is not None:
        return MilvusClient(uri=uri, token=token)
    path = Path(path)
    if path.suffix != ".db":
        raise VectorDBError(f"An embedded database path must end in .db, got {path.name!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    return MilvusClient(str(path))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalServer:
    """A Milvus Lite gRPC server in its own process on a loopback port (``milvus-lite server``)."""
    process: subprocess.Popen
    port: int
    data_dir: Path

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_local_server(data_dir: Path | str, port: int | None = None, wait_s: float = 30.0) -> LocalServer:
    """Start ``python -m milvus_lite server`` on 127.0.0.1 and wait until it accepts connections."""
    port = port or free_port()
    data_dir = Path(data_dir)
    process = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir),
                                "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise VectorDBError(f"The Milvus Lite server exited: {process.stderr.read().decode()[-500:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return LocalServer(process, port, data_dir)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise VectorDBError(f"The Milvus Lite server did not start on port {port} within {wait_s:.0f} s.")


def require_collection(client: MilvusClient, name: str) -> None:
    """Raise a clear error when ``name`` is neither a collection nor an alias."""
    if client.has_collection(name):
        return
    known = sorted(client.list_collections())
    raise VectorDBError(f"There is no collection or alias called {name!r} in this database "
                        f"(collections: {', '.join(known) or 'none'}).")


def alias_target(client: MilvusClient, alias: str) -> str | None:
    """The collection ``alias`` points to, or None when there is no such alias."""
    try:
        return client.describe_alias(alias)["collection_name"]
    except MilvusException:
        return None
