"""Options as dataclasses: backend Options decide the generation cache key and become `harness run` flags; a
benchmark's Config is what -O is checked against and what `harness run BENCHMARK --help` lists."""
from __future__ import annotations

import subprocess
import sys

import pytest

from harness.cli import main
from harness.errors import ConfigError
from harness.evaluate import GenerationSpec
from harness.models import ModelRef
from harness.runs.cache import generation_key
from harness.types import Sampling

MODEL = ModelRef("m", "/x", {"name": "tiny", "sha256": "abc"})
PROMPT = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize(("backend", "options", "settings", "key"), [
    # Keys computed with the hand-kept NOT_IN_CACHE_KEY list these Options replaced (main at b5ef76a), for what
    # `harness run` passed: users' cached generations stay valid.
    ("hf", {"precision": "fp32", "batch_size": 8, "chat_template_kwargs": {}},
     {"name": "hf", "precision": "fp32", "chat_template_kwargs": {}},
     "8c725b18937db97377b783e9489a9bc7a9f7e4c0e34e2df752bb0345ec6bf65d"),
    ("hf", {"precision": "bf16", "batch_size": 4, "device": "cpu", "chat_template_kwargs": {"enable_thinking": False}},
     {"name": "hf", "precision": "bf16", "chat_template_kwargs": {"enable_thinking": False}},
     "736c9665f627b3de18f88ae8c4b6c735918ba445a567f44d411dd712a7cfa1da"),
    ("api", {"base_url": "http://127.0.0.1:8000", "concurrency": 3, "timeout_s": 5.0, "skip_model_check": True},
     {"name": "api", "base_url": "http://127.0.0.1:8000/v1", "chat_template_kwargs": {}},
     "8bea0a802dad7bac45f0ce318e3a5f041713b53746bfe3a5dbf67f752516cca5"),
])
def test_cache_keys_come_from_the_options_and_match_the_earlier_keys(backend, options, settings, key):
    spec = GenerationSpec(model=MODEL, sampling=Sampling(max_new_tokens=64), backend=backend, backend_options=options)
    assert spec.cache_settings() == settings
    assert generation_key(MODEL.identity, None, PROMPT, spec.sampling.as_dict(), spec.cache_settings()) == key


def test_auto_precision_is_resolved_before_the_key_and_defaults_are_filled_in(monkeypatch):
    monkeypatch.setattr("harness.backends.hf.resolve_precision", lambda precision, cuda=None: "fp32")
    spec = GenerationSpec(model=MODEL, backend_options={})
    assert spec.cache_settings() == {"name": "hf", "precision": "fp32", "chat_template_kwargs": {}}
    vllm = GenerationSpec(model=MODEL, backend="vllm", backend_options={"chunk_size": 3})
    assert vllm.cache_settings() == {"name": "vllm", "precision": "bf16", "tensor_parallel_size": 1,
                                     "chat_template_kwargs": {}, "engine_args": {}}


def test_bad_backend_options_fail_in_one_line():
    with pytest.raises(ConfigError, match=r"backend 'hf' option batch_size: expected an integer, got 'x'"):
        GenerationSpec(model=MODEL, backend_options={"batch_size": "x"})
    with pytest.raises(ConfigError, match=r"backend 'hf' has no option base_url; its options are: precision, "):
        GenerationSpec(model=MODEL, backend_options={"base_url": "http://x"})


def test_building_every_flag_imports_no_torch_transformers_or_vllm():
    code = ("import sys; from harness.cli import build_parser; build_parser(); "
            "heavy = {'torch', 'transformers', 'vllm', 'peft', 'trl'} & {m.split('.')[0] for m in sys.modules}; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_backend_flags_reach_their_backend_only(capsys):
    assert main(["run", "spider", "--base-url", "http://127.0.0.1:9", "--limit", "1"]) == 2
    assert "--base-url is an option of --backend api, not of --backend hf" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "spider", "--precision", "fp8"])
    assert "argument --precision: invalid choice: 'fp8'" in capsys.readouterr().err


def test_run_help_after_the_benchmark_lists_its_options_with_defaults(capsys):
    with pytest.raises(SystemExit) as done:
        main(["run", "bird", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert done.value.code == 0
    assert "hf backend (--backend hf)" in out
    assert "--batch-size BATCH_SIZE prompts per generate call (default: 8)" in out
    assert "api backend (--backend api)" in out and "--concurrency CONCURRENCY requests in flight (default: 8)" in out
    assert "--precision {auto,bf16,fp16,fp32}" in out and "(hf, vllm; default: auto)" in out
    assert "bird options (-O KEY=VALUE, values in YAML):" in out
    assert "ves_repeats: an integer, default 0" in out and "evidence: true or false, default true" in out


def test_a_benchmark_swallowed_by_adapter_gets_a_one_line_error(capsys, tmp_path):
    assert main(["run", "--adapter", str(tmp_path / "a"), str(tmp_path / "b"), "spider"]) == 2
    err = capsys.readouterr().err
    assert "no benchmark given (--adapter took 'spider' as an adapter): put it first, e.g. harness run spider " \
           "--adapter A B" in " ".join(err.split())
    assert main(["score", "--predictions", "p.txt"]) == 2
    assert "no benchmark given: put it first" in capsys.readouterr().err


def test_python_dash_m_harness_is_the_command():
    done = subprocess.run([sys.executable, "-m", "harness", "score", "--help"], capture_output=True, text=True,
                          check=True)
    assert done.stdout.startswith("usage: harness score")


@pytest.mark.parametrize("text", ["true", "false", "null", "0", "-0", "7", "-12", "12345678901234567890", "True",
                                  "yes", "007", "1_000", "1.5", "1e3", "+3", "[a, b]", "{x: 1}", "~", "spider"])
def test_option_values_read_as_yaml_reads_them(text):
    import yaml

    from harness.cli.common import parse_yaml

    assert parse_yaml(text) == yaml.safe_load(text) and type(parse_yaml(text)) is type(yaml.safe_load(text))
