"""Third-party benchmarks and backends register through entry points; the CLI runs them like built-in ones."""
from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import ConfigError
from harness.registry import Registry, load

ROOT = Path(__file__).resolve().parents[1]

PLUGIN = '''
from dataclasses import dataclass

from harness.backends.base import Backend
from harness.benchmarks.base import Benchmark
from harness.models import ModelRef
from harness.options import make_options, option
from harness.types import Example, Generation, Scored


@dataclass(frozen=True)
class EchoConfig:
    shout: bool = option(False, help="the answer is upper-cased")


class EchoBenchmark(Benchmark):
    """The answer is the prompt's word (upper-cased with shout)."""

    name = "echo"
    metric_names = ("exact",)
    system_prompt = "Repeat the word."
    user_template = "{word}"
    Config = EchoConfig

    def __init__(self, data=None, split="test", **options):
        self.shout = make_options(EchoConfig, options, "benchmark 'echo'").shout

    def examples(self):
        return [Example(i, {"word": w}, w.upper() if self.shout else w) for i, w in enumerate(["ant", "bee", "cat"])]

    def messages(self, example):
        return [{"role": "user", "content": example.inputs["word"]}]

    def completion(self, example):
        return example.target

    def score(self, examples, outputs, *, on_done=None):
        return [Scored(o.strip(), "correct" if o.strip() == e.target else "wrong", {"exact": float(o.strip() == e.target)})
                for e, o in zip(examples, outputs)]

    def data_identity(self):
        return {"words": 3}


@dataclass(frozen=True)
class ParrotOptions:
    squawks: int = option(1, help="times each answer is repeated")
    perch: str = option("left", cache_key=False, help="where the parrot sits (does not change what it says)")


class ParrotBackend(Backend):
    """Answers every prompt with its last message (`squawks` times): no model to resolve or load."""

    name = "parrot"
    Options = ParrotOptions

    @classmethod
    def references(cls, model, adapters, options):
        return ModelRef("parrot", "parrot", {"name": "parrot"}), []

    def __init__(self, model, adapters=(), **options):
        self.squawks = make_options(ParrotOptions, options, "backend 'parrot'").squawks

    def generate(self, requests, sampling):
        for i, request in enumerate(requests):
            yield i, Generation(" ".join([request.messages[-1]["content"]] * self.squawks))
'''

ENTRY_POINTS = """[harness.benchmarks]
echo = toy_harness_plugin:EchoBenchmark

[harness.backends]
parrot = toy_harness_plugin:ParrotBackend
"""


@pytest.fixture
def plugin_env(tmp_path: Path) -> dict[str, str]:
    """A toy plugin distribution (package + dist-info with entry_points.txt) on PYTHONPATH."""
    site = tmp_path / "site"
    (site / "toy_harness_plugin").mkdir(parents=True)
    (site / "toy_harness_plugin" / "__init__.py").write_text(PLUGIN)
    info = site / "toy_harness_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-harness-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    return {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{ROOT}", "HARNESS_CACHE_DIR": str(tmp_path / "cache")}


def harness_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "import sys; from harness.cli import main; sys.exit(main())", *args],
                          env=env, capture_output=True, text=True, timeout=120)


def test_a_plugin_benchmark_and_backend_run_through_the_cli(plugin_env, tmp_path):
    done = harness_cli(plugin_env, "run", "echo", "--backend", "parrot", "--out", str(tmp_path / "run"))
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "run" / "base" / "summary.json").read_text())
    assert summary["benchmark"] == "echo" and summary["metrics"]["exact"]["value"] == 1.0
    assert summary["manifest"]["model"] == {"name": "parrot"}

    # Its options are flags of `harness run`, in their own group, with types and defaults; -O options are listed
    done = harness_cli(plugin_env, "run", "echo", "--help")
    assert done.returncode == 0, done.stderr
    assert "parrot backend (--backend parrot)" in done.stdout and "--squawks SQUAWKS" in done.stdout
    assert "times each answer is repeated (default: 1)" in " ".join(done.stdout.split())
    assert "echo options (-O KEY=VALUE" in done.stdout and "shout: true or false, default false" in done.stdout
    done = harness_cli(plugin_env, "run", "echo", "--backend", "parrot", "--squawks", "2", "--perch", "right",
                       "--out", str(tmp_path / "twice"))
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "twice" / "base" / "summary.json").read_text())
    assert summary["metrics"]["exact"]["value"] == 0.0  # "ant ant" is not "ant": the flag reached the backend
    assert summary["manifest"]["generation"] == {"backend": "parrot", "squawks": 2, "perch": "right"}
    done = harness_cli(plugin_env, "run", "echo", "--backend", "parrot", "--batch-size", "2")
    assert done.returncode == 2 and "--batch-size is an option of --backend hf, not of --backend parrot" in done.stderr

    preds = tmp_path / "preds.txt"
    preds.write_text("ANT\nBEE\nbee\n")
    done = harness_cli(plugin_env, "score", "echo", "--predictions", str(preds), "-O", "shout=yes please",
                       "--out", str(tmp_path / "bad"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "benchmark 'echo' option shout: expected true or false, got 'yes please' (str)" in done.stderr


def test_typed_options_fail_in_one_line_and_debug_shows_the_traceback(tiny_spider, tmp_path, capsys):
    preds = tmp_path / "preds.jsonl"
    preds.write_text("".join(json.dumps({"index": i, "prediction": "SELECT 1"}) + "\n" for i in range(6)))
    common = ["score", "spider", "--data", str(tiny_spider), "--predictions", str(preds), "--out", str(tmp_path / "r")]
    assert main([*common, "-O", "timeout_s=abc"]) == 2
    err = capsys.readouterr().err
    assert "benchmark 'spider' option timeout_s: expected a number, got 'abc' (str)" in err
    assert main([*common, "-O", "nope=1"]) == 2
    assert "has no option nope; its options are: exclude_dbs, include_dbs, timeout_s" in capsys.readouterr().err
    with pytest.raises(ConfigError, match="timeout_s"):
        main(["--debug", *common, "-O", "timeout_s=abc"])
    assert not (tmp_path / "r").exists()


def test_a_built_in_name_is_found_without_reading_entry_points(monkeypatch):
    """Reading entry points scans every installed package; `harness score spider` does not wait for it."""
    scans = []
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group: scans.append(group) or [importlib.metadata.EntryPoint("echo", "m:Echo", group)])
    registry = Registry({"spider": "harness.benchmarks.spider:SpiderBenchmark"}, "harness.benchmarks")
    assert "spider" in registry and registry["spider"].endswith(":SpiderBenchmark") and scans == []
    assert registry["echo"] == "m:Echo" and list(registry) == ["spider", "echo"]
    assert scans == ["harness.benchmarks"]  # read once, when a name was not built-in
    with pytest.raises(ConfigError, match="unknown benchmark 'nope'; choose one of: echo, spider"):
        load(registry, "nope", "benchmark")
