"""What a newcomer hit first: precision choice, bad arguments, misspelled databases and splits, --help."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.backends.precision import cpu_flags, resolve_precision
from harness.benchmarks.spider import SpiderBenchmark
from harness.cli import build_parser
from harness.cli import main as cli_main
from harness.errors import DataError


def test_auto_precision_is_bf16_only_where_bf16_is_fast(tmp_path: Path) -> None:
    assert resolve_precision("auto", cuda=True, flags=frozenset()) == "bf16"
    assert resolve_precision("auto", cuda=False, flags=frozenset({"avx2", "fma"})) == "fp32"  # AMD EPYC, AVX2 only
    assert resolve_precision("auto", cuda=False, flags=frozenset({"avx512f", "avx512_bf16"})) == "bf16"
    assert resolve_precision("auto", cuda=False, flags=frozenset({"amx_bf16", "amx_tile"})) == "bf16"
    assert resolve_precision("fp16", cuda=False, flags=frozenset()) == "fp16"  # an explicit choice is kept
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 amx_bf16\nbogomips\t: 1\n")
    assert {"avx2", "amx_bf16"} <= cpu_flags(cpuinfo)
    assert cpu_flags(tmp_path / "missing") == frozenset()


@pytest.mark.parametrize("value", ["0", "-3", "x"])
def test_limit_must_be_a_positive_integer(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["run", "spider", "--limit", value])
    assert exit_info.value.code == 2
    assert "--limit" in capsys.readouterr().err


def test_every_option_default_shows_in_help() -> None:
    text = " ".join(build_parser()._subparsers._group_actions[0].choices["run"].format_help().split())
    for shown in ("--precision {auto,bf16,fp16,fp32}", "(default: auto)", "(default: 8)", "(default: 256)",
                  "(default: 1.0)", "(default: 0)"):
        assert shown in text


def test_unknown_database_is_one_line_before_any_run_dir(tiny_spider: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "runs" / "r"
    code = cli_main(["run", "spider", "--data", str(tiny_spider), "--out", str(out), "-O", "include_dbs=[concrt]"])
    err = capsys.readouterr().err
    assert code == 2
    assert "include_dbs: no database concrt in split 'dev'; known: concert, shop" in " ".join(err.split())
    assert not out.exists() and not (tmp_path / "runs").exists()
    with pytest.raises(DataError, match="exclude_dbs: no database sho in split"):
        SpiderBenchmark(tiny_spider, exclude_dbs=["sho"]).examples()
    assert [e.inputs["db_id"] for e in SpiderBenchmark(tiny_spider, include_dbs="shop").examples()] == ["shop"] * 3


def test_unknown_split_names_the_choices_not_internal_paths(tiny_spider: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(DataError) as err:
        SpiderBenchmark(split="devv").examples()
    message = str(err.value)
    assert "--split devv" in message and "the shipped mini Spider" in message and "available: dev, train" in message
    assert ".cache" not in message and "spider-mini-" not in message
    with pytest.raises(DataError, match=r"--split devv: .*available: dev, train"):
        SpiderBenchmark(tiny_spider, split="devv")
