"""Prepared data on disk: built once, written atomically, checked by checksum on every load.

A prepared item is a folder ``data/cache/<name>/`` holding its files plus ``MANIFEST.json``
(version and the SHA-256 of every file). It is built in a temporary folder and renamed into
place only when complete, so an interrupted preparation never leaves a half-written item; a
folder whose manifest is missing or whose checksums disagree is deleted and rebuilt.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Callable

from .. import runtime

MANIFEST = "MANIFEST.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def verify(folder: Path, version: int | str | None = None) -> bool:
    """True when ``folder`` holds exactly the files its manifest lists, unchanged."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    if version is not None and manifest.get("version") != version:
        return False
    return manifest.get("files") == _file_hashes(folder)


def prepared(name: str, build: Callable[[Path], None], version: int | str = 1,
             root: Path | None = None) -> Path:
    """Return the verified folder for ``name``, building it with ``build(tmp_folder)`` if needed."""
    root = Path(root or runtime.cache_dir())
    final = root / name
    if final.exists():
        if verify(final, version):
            return final
        warnings.warn(f"Prepared data {final} is incomplete or changed: rebuilding it.")
        shutil.rmtree(final, ignore_errors=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        build(tmp)
        manifest = {"version": version, "files": _file_hashes(tmp)}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1))
        try:
            os.replace(tmp, final)
        except OSError:  # another process finished first; keep theirs if it verifies
            if not verify(final, version):
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def load_if_valid(name: str, version: int | str | None = None, root: Path | None = None) -> Path | None:
    """The verified folder for ``name``, or None when it is missing or corrupt (then it is removed)."""
    final = Path(root or runtime.cache_dir()) / name
    if not final.exists():
        return None
    if verify(final, version):
        return final
    warnings.warn(f"Cached item {final} is incomplete or changed: ignoring and removing it.")
    shutil.rmtree(final, ignore_errors=True)
    return None


def fingerprint(*parts) -> str:
    """A short stable hash of strings / bytes / lists, for cache keys (model × data)."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, (list, tuple)):
            for item in part:
                digest.update(str(item).encode("utf-8", "surrogatepass"))
                digest.update(b"\x1f")
        elif isinstance(part, bytes):
            digest.update(part)
        else:
            digest.update(str(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return digest.hexdigest()[:16]
