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
    for shown in ("--precision {auto,bf16,fp16,fp32}", "(hf, vllm; default: auto)", "(default: 8)", "(default: 256)",
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


def test_bad_data_options_fail_before_the_model_is_resolved(tiny_spider: Path, tmp_path: Path) -> None:
    """Resolving the model can take minutes (a GGUF converted, a hub download): bad data fails first."""
    import harness

    with pytest.raises(DataError, match="include_dbs: no database concrt"):
        harness.evaluate("spider", str(tmp_path / "no-such-model"), data=tiny_spider, options={"include_dbs": ["concrt"]})


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


def _fake_hub_cache(root: Path, repo_id: str, commit: str) -> Path:
    repo = root / f"models--{repo_id.replace('/', '--')}"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    return snapshot


@pytest.fixture
def hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import huggingface_hub.constants

    root = tmp_path / "hub"
    root.mkdir()
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(root))
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there: the hub is unreachable
    return root


def test_hub_model_is_identified_by_its_cached_commit_when_offline(hub_cache: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.models import resolve_model

    commit = "0123456789abcdef0123456789abcdef01234567"
    snapshot = _fake_hub_cache(hub_cache, "org/tiny-chat", commit)
    for offline in ("1", ""):  # HF_HUB_OFFLINE set, or the hub unreachable: the local refs decide
        monkeypatch.setenv("HF_HUB_OFFLINE", offline)
        ref = resolve_model("org/tiny-chat")
        assert ref.identity == {"name": "org/tiny-chat", "hub_id": "org/tiny-chat", "revision": commit}
        assert Path(ref.path) == snapshot  # the weights of the recorded commit, not whatever main is now


def test_missing_or_unreachable_hub_model_is_one_line(hub_cache: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from harness.errors import ModelError
    from harness.models import resolve_model

    monkeypatch.setenv("HF_HUB_OFFLINE", "")
    with pytest.raises(ModelError, match=r"--model org/absent: the hub is unreachable \(\w+\) and the local hub cache"):
        resolve_model("org/absent")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match="HF_HUB_OFFLINE is set and the local hub cache has no copy"):
        resolve_model("org/absent")
    with pytest.raises(ModelError, match="no such folder"):
        resolve_model("./models/absent")
    assert cli_main(["run", "spider", "--model", "org/absent", "--limit", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_recipe_with_missing_data_says_which_set_to_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.train.recipe import RecipeError, load_recipe
    from harness.train.sft import load_benchmark

    monkeypatch.chdir(tmp_path)  # a new user's checkout has no ../shared/data
    recipe = load_recipe(Path(__file__).parents[1] / "adapters/recipes/spider-smollm2-cpu.yaml")
    with pytest.raises(RecipeError, match=r"data\.path \.\./shared/data/spider-train does not exist here .*"
                                          r"--set data\.path=PATH$"):
        load_benchmark(recipe)


def test_shipped_recipes_name_data_that_ships_or_a_path() -> None:
    """Every shipped CPU recipe trains on shipped data (no data.path) or says how to give it."""
    from harness.train.recipe import load_recipe

    for path in sorted((Path(__file__).parents[1] / "adapters/recipes").glob("*.yaml")):
        recipe = load_recipe(path)
        assert recipe.data.path is None or "--set data.path" in path.read_text(), path.name


def test_merge_names_its_positional_adapter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["merge", str(tmp_path / "does-not-exist"), "--out", str(tmp_path / "merged")])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and f"adapter {tmp_path / 'does-not-exist'}: no such folder" in err and "--adapter" not in err


def test_labels_show_what_distinguishes_runs_and_colours_never_repeat(tmp_path: Path) -> None:
    from fake_runs import make_run

    from harness.report.compare import comparison_table, compare_runs, distinguishing_labels
    from harness.runs.records import Variant
    from harness.report.leaderboard import load_boards, palette, to_html, to_markdown

    same = [True, False] * 5
    fp32 = make_run(tmp_path / "a" / "base", same, manifest={"generation": {"backend": "hf", "precision": "fp32"}})
    bf16 = make_run(tmp_path / "b" / "base", same, manifest={"generation": {"backend": "hf", "precision": "bf16"},
                                                             "benchmark_options": {"include_dbs": ["x"]}})
    labels = distinguishing_labels([Variant.load(fp32), Variant.load(bf16)])
    assert labels == ["tiny/base [precision=fp32, include_dbs=-]", "tiny/base [precision=bf16, include_dbs=['x']]"]
    caption = comparison_table(compare_runs(fp32, bf16, force=True)).caption
    assert "A = tiny/base [precision=fp32" in caption and "B = tiny/base [precision=bf16" in caption
    (board,) = load_boards([tmp_path])
    assert "precision=bf16" in to_markdown([board]) and "precision=fp32" in to_html([board])
    colours = palette(40)
    assert len(set(colours)) == 40 and colours[:8] == list(colours[:8])


def test_screenshot_without_chromium_is_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    page = tmp_path / "board.html"
    page.write_text("<html></html>")
    script = Path(__file__).parents[1] / "scripts" / "screenshot_report.py"
    proc = subprocess.run([sys.executable, str(script), str(page), "--chromium", str(tmp_path / "no-chromium")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "no Chromium found" in proc.stderr
