"""The shipped extraction splits: checksums, byte-exact regeneration, and the generator's promises."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from harness.benchmarks import extraction_data
from harness.benchmarks.extraction import SHIPPED_DIR

SHIPPED_SHA256 = {  # change only together with a deliberate regeneration (and say why in the commit)
    "test.jsonl": "2c4b16084ca73b19a15d4b21e882a2602061eb704f9accc1b4d7ff50092509d4",
    "train.jsonl": "6299625b472a99d9171361befc97de03b7f76bb200d0600af9ffc24322689b98",
}


def _rows(split: str) -> list[dict]:
    return [json.loads(line) for line in (SHIPPED_DIR / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]


def test_shipped_files_match_their_checksums() -> None:
    for name, digest in SHIPPED_SHA256.items():
        assert hashlib.sha256((SHIPPED_DIR / name).read_bytes()).hexdigest() == digest, name
    listed = dict(reversed(line.split("  ")) for line in (SHIPPED_DIR / "SHA256SUMS").read_text().splitlines())
    assert listed == SHIPPED_SHA256


def test_regeneration_is_byte_identical(tmp_path: Path) -> None:
    sums = extraction_data.write(tmp_path)
    assert sums == SHIPPED_SHA256
    for name in SHIPPED_SHA256:
        assert (tmp_path / name).read_bytes() == (SHIPPED_DIR / name).read_bytes()
    assert (tmp_path / "SHA256SUMS").read_bytes() == (SHIPPED_DIR / "SHA256SUMS").read_bytes()
    assert extraction_data.check(SHIPPED_DIR) == []


def test_check_reports_an_edited_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extraction_data.write(tmp_path)
    (tmp_path / "test.jsonl").write_bytes((tmp_path / "test.jsonl").read_bytes().replace(b"example", b"exemple", 1))
    assert extraction_data.main(["--out", str(tmp_path), "--check"]) == 1
    assert "test.jsonl" in capsys.readouterr().out


@pytest.mark.parametrize("split, n", [("test", 150), ("train", 300)])
def test_splits_are_balanced_over_tiers_and_languages(split: str, n: int) -> None:
    rows = _rows(split)
    assert len(rows) == n
    assert Counter((r["tier"], r["lang"]) for r in rows) == {(t, lang): n // 6 for t in extraction_data.TIERS
                                                            for lang in extraction_data.LANGS}


@pytest.mark.parametrize("split", ["test", "train"])
def test_gold_values_are_verbatim_substrings(split: str) -> None:
    for row in _rows(split):
        assert list(row["fields"]) == list(extraction_data.FIELDS)
        for value in row["fields"].values():
            assert value is None or value in row["text"]
        assert row["fields"]["question"]


def test_tiers_have_their_noise() -> None:
    rows = _rows("test") + _rows("train")
    clean = [r for r in rows if r["tier"] == "clean"]
    noisy = [r for r in rows if r["tier"] == "noisy"]
    assert all(None not in r["fields"].values() for r in clean)
    assert all(r["text"].startswith(r["fields"]["name"]) for r in clean)
    assert sum(None in r["fields"].values() for r in noisy) > len(noisy) / 3
    assert sum(r["text"].count("@") > 1 for r in noisy) > len(noisy) / 4   # a third party's email
    zh_noisy = [r["text"] for r in noisy if r["lang"] == "zh"]
    assert any("," in t and "，" in t for t in zh_noisy) and any(":" in t for t in zh_noisy)  # half-width mixed in
    assert any("：" in t for t in zh_noisy)
    assert any("＠" in (r["fields"]["email"] or "") for r in noisy)       # full-width email


def test_train_and_test_share_no_text() -> None:
    assert not {r["text"] for r in _rows("test")} & {r["text"] for r in _rows("train")}
