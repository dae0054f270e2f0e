"""`harness parity` with hf vs api: the api side is a real HTTP server on 127.0.0.1 serving the tiny model."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from openai_server import OpenAIServer, build_tiny_adapter

from harness.backends import BACKENDS
from harness.benchmarks.spider import SpiderBenchmark
from harness.cli import parity
from harness.trust.parity import compare_variant


@pytest.fixture(autouse=True)
def _api_registered(monkeypatch):
    monkeypatch.setitem(BACKENDS, "api", "harness.backends.api:APIBackend")


@pytest.fixture(scope="module")
def adapters(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("parity-adapters")
    return {"sql": build_tiny_adapter(tiny_model_dir, root / "sql", seed=1)}


def _parity(argv: list[str], out: Path) -> dict:
    parser = argparse.ArgumentParser()
    parity.add_parser(parser.add_subparsers())
    args = parser.parse_args(["parity", *argv, "--out", str(out)])
    assert args.func(args) == 0
    return json.loads(out.read_text())


def _argv(tiny_spider: Path, model: Path, url: str, adapter: str) -> list[str]:
    return ["--data", str(tiny_spider), "--split", "dev", "--model", str(model), "--adapter", adapter,
            "--backends", "hf,api", "--base-url", url, "--api-model", "tiny", "--precision", "fp32",
            "--batch-size", "1", "--max-new-tokens", "6", "--n", "5"]


def test_same_model_and_adapter_behind_the_api_match_exactly(tiny_model_dir, tiny_spider, adapters, tmp_path, capsys):
    with OpenAIServer(tiny_model_dir, adapters={"sql": adapters["sql"]}) as server:
        report = _parity(_argv(tiny_spider, tiny_model_dir, server.url, f"sql={adapters['sql']}"), tmp_path / "r.json")
        assert sorted(r["body"]["model"] for r in server.received) == ["sql"] * 5 + ["tiny"] * 5
    assert report["backends"] == ["hf", "api"]
    assert [(v["variant"], v["n"], v["exact"], v["same_outcome"], v["differences"]) for v in report["variants"]] == [
        ("base", 5, 5, 5, []), ("sql", 5, 5, 5, [])]
    assert "parity: hf vs api" in capsys.readouterr().out


def test_a_different_model_behind_the_served_name_is_reported(tiny_model_dir, tiny_spider, adapters, tmp_path,
                                                               capsys):
    with OpenAIServer(tiny_model_dir, adapters={"sql": adapters["sql"]}) as server:
        argv = _argv(tiny_spider, tiny_model_dir, server.url, f"sql={adapters['sql']}")
        argv[argv.index("--api-model") + 1] = "sql"  # misconfigured: the api side's "base" is the adapter
        report = _parity(argv, tmp_path / "r.json")
    base, sql = report["variants"]
    assert (base["exact"], sql["exact"]) == (0, 5) and len(base["differences"]) == 5
    first = base["differences"][0]
    a, b = first["outputs"]
    assert first["index"] == 0 and a != b and a[: first["diverges_at"]] == b[: first["diverges_at"]]
    assert f"base example 0: differ from char {first['diverges_at']}" in capsys.readouterr().out


def test_compare_counts_identical_text_and_same_verdict_separately(tiny_spider):
    bench = SpiderBenchmark(tiny_spider, "dev", workers=1)
    examples = bench.examples()[:3]
    gold = [e.target for e in examples]
    other = [gold[0], gold[1].lower(), "SELECT nonsense FROM nowhere"]  # same text, same result, an error
    result = compare_variant(bench, examples, "base", gold, other)
    assert (result.n, result.exact, result.same_outcome) == (3, 1, 2)
    assert [d.index for d in result.differences] == [1, 2]
    assert result.differences[1].outcomes[0] == "correct" and result.differences[1].outcomes[1] != "correct"
    assert result.differences[0].diverges_at == 0


def test_backends_must_be_two_different_known_ones(tiny_spider, tmp_path):
    with pytest.raises(ValueError, match="expected two different of hf, vllm, api"):
        _parity(["--data", str(tiny_spider), "--backends", "hf,hf"], tmp_path / "r.json")
