import os

import pytest

from harness.io import hash_path
from harness.runs.cache import BlobCache, GenerationCache, generation_key, path_hashes
from harness.types import Generation

MODEL = {"name": "m", "sha256": "abc"}
MSGS = [{"role": "user", "content": "hi"}]
SAMPLING = {"max_new_tokens": 8, "temperature": 0.0}


def test_key_changes_with_everything_that_determines_a_generation():
    base = generation_key(MODEL, None, MSGS, SAMPLING, {"name": "hf", "precision": "bf16"})
    assert base == generation_key(dict(MODEL), None, list(MSGS), dict(SAMPLING), {"precision": "bf16", "name": "hf"})
    variants = [
        generation_key({**MODEL, "sha256": "abd"}, None, MSGS, SAMPLING, {"name": "hf", "precision": "bf16"}),
        generation_key(MODEL, {"sha256": "1"}, MSGS, SAMPLING, {"name": "hf", "precision": "bf16"}),
        generation_key(MODEL, None, [{"role": "user", "content": "hi!"}], SAMPLING, {"name": "hf", "precision": "bf16"}),
        generation_key(MODEL, None, MSGS, {**SAMPLING, "max_new_tokens": 9}, {"name": "hf", "precision": "bf16"}),
        generation_key(MODEL, None, MSGS, SAMPLING, {"name": "hf", "precision": "fp32"}),
    ]
    assert len({base, *variants}) == 6


def test_cache_round_trip_survives_reopen(tmp_path):
    path = tmp_path / "c.sqlite"
    with GenerationCache(path) as cache:
        cache.put_many([("k1", Generation("SELECT 1", 3, 4, 0.5)), ("k2", Generation("x"))])
    with GenerationCache(path) as cache:
        found = cache.get_many(["k1", "k2", "k3"])
    assert found == {"k1": Generation("SELECT 1", 3, 4, 0.5), "k2": Generation("x", 0, 0, 0.0)}


def test_path_hashes_read_a_file_again_only_when_it_changed(tmp_path, monkeypatch):
    import harness.runs.cache as cache_module

    data, folder = tmp_path / "a.sqlite", tmp_path / "db"
    data.write_bytes(b"one")
    folder.mkdir()
    (folder / "x.sqlite").write_bytes(b"x")
    reads = []
    monkeypatch.setattr(cache_module, "hash_path", lambda path: reads.append(path) or hash_path(path))
    with BlobCache(tmp_path / "derived.sqlite") as cache:
        first = path_hashes([data, folder], cache)
        assert first == {data: hash_path(data), folder: hash_path(folder)} and len(reads) == 2
        assert path_hashes([data, folder], cache) == first and len(reads) == 2
        data.write_bytes(b"two")           # same size, new mtime
        (folder / "y.sqlite").write_bytes(b"y")
        assert path_hashes([data, folder], cache) == {data: hash_path(data), folder: hash_path(folder)}
    assert len(reads) == 4 and hash_path(data) != first[data]


def test_blob_cache_round_trip_survives_reopen(tmp_path):
    with BlobCache(tmp_path / "b.sqlite") as cache:
        cache.put_many({"a": b"\x00\x01", "b": b""})
    with BlobCache(tmp_path / "b.sqlite") as cache:
        assert cache.get_many(["a", "b", "c"]) == {"a": b"\x00\x01", "b": b""}


def test_first_failure_checks_a_path_again_only_when_it_changed(tmp_path):
    from harness.runs.cache import first_failure

    good, bad = tmp_path / "good.sqlite", tmp_path / "bad.sqlite"
    good.write_bytes(b"ok")
    bad.write_bytes(b"ok")
    checked = []

    def check(path):
        checked.append(path.name)
        return f"{path}: broken" if path.read_bytes() != b"ok" else None

    with BlobCache(tmp_path / "derived.sqlite") as cache:
        assert first_failure([good, bad], check, cache, "probed") is None
        assert first_failure([good, bad], check, cache, "probed") is None
        assert checked == ["good.sqlite", "bad.sqlite"]
        bad.write_bytes(b"no")
        assert first_failure([good, bad], check, cache, "probed") == f"{bad}: broken"
        assert first_failure([good, bad], check, cache, "other") == f"{bad}: broken"   # another check's own record
    assert checked == ["good.sqlite", "bad.sqlite", "bad.sqlite", "good.sqlite", "bad.sqlite"]


def test_library_versions_are_read_again_when_the_import_path_changes(tmp_path, monkeypatch):
    from harness.runs import manifest

    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    site = tmp_path / "site"
    site.mkdir()
    os.utime(site, ns=(0, 0))
    monkeypatch.syspath_prepend(str(site))
    assert "vllm" not in manifest.library_versions()
    (site / "vllm-9.9.dist-info").mkdir()  # "installing" a package changes its folder's modification time
    (site / "vllm-9.9.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: vllm\nVersion: 9.9\n")
    assert manifest.library_versions()["vllm"] == "9.9"
    monkeypatch.setattr(manifest, "_read_library_versions", lambda: pytest.fail("read again unchanged"))
    assert manifest.library_versions()["vllm"] == "9.9"
