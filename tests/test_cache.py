import json

import pytest

from course_lib.data import cache


def _build(folder):
    (folder / "a.txt").write_text("hello")
    (folder / "sub").mkdir()
    (folder / "sub" / "b.bin").write_bytes(b"\x00\x01")


def test_prepared_builds_once_then_verifies(tmp_path):
    calls = []
    build = lambda f: (calls.append(1), _build(f))
    p1 = cache.prepared("item", build, root=tmp_path)
    p2 = cache.prepared("item", build, root=tmp_path)
    assert p1 == p2 and len(calls) == 1
    manifest = json.loads((p1 / cache.MANIFEST).read_text())
    assert set(manifest["files"]) == {"a.txt", "sub/b.bin"}


def test_corrupted_item_is_rebuilt(tmp_path):
    p = cache.prepared("item", _build, root=tmp_path)
    (p / "a.txt").write_text("tampered")
    with pytest.warns(UserWarning, match="rebuilding"):
        p = cache.prepared("item", _build, root=tmp_path)
    assert (p / "a.txt").read_text() == "hello"


def test_interrupted_build_leaves_nothing_behind(tmp_path):
    def failing(folder):
        (folder / "partial.txt").write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cache.prepared("item", failing, root=tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert cache.load_if_valid("item", root=tmp_path) is None


def test_missing_manifest_counts_as_corrupt(tmp_path):
    (tmp_path / "item").mkdir()
    (tmp_path / "item" / "a.txt").write_text("hello")
    with pytest.warns(UserWarning):
        assert cache.load_if_valid("item", root=tmp_path) is None
    assert not (tmp_path / "item").exists()


def test_version_change_rebuilds(tmp_path):
    cache.prepared("item", _build, version=1, root=tmp_path)
    assert not cache.verify(tmp_path / "item", version=2)


def test_fingerprint_is_order_sensitive_and_stable():
    assert cache.fingerprint(["a", "b"]) == cache.fingerprint(["a", "b"])
    assert cache.fingerprint(["a", "b"]) != cache.fingerprint(["b", "a"])
    assert cache.fingerprint(["ab"]) != cache.fingerprint(["a", "b"])
