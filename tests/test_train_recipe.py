"""Recipe loading and validation: every error names the file, the key and what was expected."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.train.recipe import RecipeError, load_recipe

RECIPES = sorted((Path(__file__).resolve().parents[1] / "adapters" / "recipes").glob("*.yaml"))


def write(tmp_path: Path, text: str, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_defaults_and_name_from_file(tmp_path: Path) -> None:
    recipe = load_recipe(write(tmp_path, "lora:\n  r: 8\n", name="my-adapter.yaml"))
    assert recipe.name == "my-adapter"
    assert recipe.adapter_dir() == Path("adapters/my-adapter")
    assert recipe.lora_arguments()["r"] == 8 and recipe.lora_arguments()["target_modules"] == "all-linear"
    assert recipe.trainer_arguments()["learning_rate"] == 2e-4
    assert recipe.model is None and recipe.data.benchmark == "spider" and recipe.eval is None


def test_sections_reach_the_library_classes_as_written(tmp_path: Path) -> None:
    from harness.train.sft import lora_config, sft_config

    recipe = load_recipe(write(tmp_path, "lora: {r: 4, lora_alpha: 8, use_rslora: true}\n"
                                         "trainer: {max_steps: 7, optim: adamw_torch, neftune_noise_alpha: 5}\n"))
    lora = lora_config(recipe)
    assert (lora.r, lora.lora_alpha, lora.use_rslora, lora.lora_dropout) == (4, 8, True, 0.05)
    args = sft_config(recipe, tmp_path / "out", on_gpu=False)
    assert (args.max_steps, args.optim, args.neftune_noise_alpha) == (7, "adamw_torch", 5)
    assert args.completion_only_loss is True and args.report_to == [] and args.output_dir == str(tmp_path / "out")


def test_unknown_key_names_file_line_and_the_real_argument(tmp_path: Path) -> None:
    path = write(tmp_path, "model: null\nlora:\n  r: 8\n  alpha: 4\n")
    with pytest.raises(RecipeError) as err:
        load_recipe(path)
    message = str(err.value)
    assert f"{path}:4: 'lora.alpha': peft.LoraConfig has no argument 'alpha'" in message
    assert "did you mean 'lora_alpha'" in message
    with pytest.raises(RecipeError, match=r":2: 'trainer\.learning_rat': trl\.SFTConfig .* did you mean 'learning_rate'"):
        load_recipe(write(tmp_path, "trainer:\n  learning_rat: 0.1\n"))
    with pytest.raises(RecipeError, match=r":1: 'optim': unknown key \(its keys are now trl\.SFTConfig arguments"):
        load_recipe(write(tmp_path, "optim:\n  batch_size: 4\n"))
    with pytest.raises(RecipeError, match=r"'trainer\.output_dir': set by harness \(use the top-level `output_dir`"):
        load_recipe(write(tmp_path, "trainer:\n  output_dir: x\n"))


def test_wrong_type_names_key_and_expected(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match=r"r\.yaml:2: 'trainer\.per_device_train_batch_size': got 'four' \(str\); "
                                          r"expected an integer"):
        load_recipe(write(tmp_path, "trainer:\n  per_device_train_batch_size: four\n"))
    with pytest.raises(RecipeError, match=r"'trainer\.bf16'.*expected true or false"):
        load_recipe(write(tmp_path, "trainer:\n  bf16: fp8\n"))
    with pytest.raises(RecipeError, match=r"'lora\.target_modules'.*expected a list of strings or a string or null"):
        load_recipe(write(tmp_path, "lora:\n  target_modules: 7\n"))
    with pytest.raises(RecipeError, match=r"'data': expected a mapping"):
        load_recipe(write(tmp_path, "data: spider\n"))
    with pytest.raises(RecipeError, match=r"'eval\.every_n_step': unknown key; expected one of: every_n_steps"):
        load_recipe(write(tmp_path, "eval:\n  every_n_step: 5\n"))


def test_library_checks_are_reported_like_the_recipes(tmp_path: Path) -> None:
    from harness.train.sft import lora_config

    recipe = load_recipe(write(tmp_path, "lora:\n  target_modules: all-linear\n  layers_to_transform: [0]\n"))
    with pytest.raises(RecipeError, match=r"r\.yaml: 'lora': LoraConfig rejected it: `layers_to_transform` cannot"):
        lora_config(recipe)


def test_numbers_are_coerced(tmp_path: Path) -> None:
    # PyYAML reads 2e-4 (no dot) as a string; integers widen to floats.
    recipe = load_recipe(write(tmp_path, "trainer:\n  learning_rate: 2e-4\n  num_train_epochs: 2\n"))
    assert recipe.trainer["learning_rate"] == pytest.approx(2e-4) and isinstance(recipe.trainer["num_train_epochs"], float)


def test_overrides_are_parsed_and_validated(tmp_path: Path) -> None:
    path = write(tmp_path, "trainer:\n  max_steps: 100\n")
    recipe = load_recipe(path, ["trainer.max_steps=3", "trainer.learning_rate=1e-3",
                                "lora.target_modules=[q_proj, v_proj]", "data.options={exclude_dbs: [a, b]}",
                                "chat_template_kwargs.enable_thinking=false", "model=some/model",
                                "eval.every_n_steps=2"])
    assert recipe.trainer["max_steps"] == 3 and recipe.trainer["learning_rate"] == pytest.approx(1e-3)
    assert recipe.lora["target_modules"] == ["q_proj", "v_proj"]
    assert recipe.data.options == {"exclude_dbs": ["a", "b"]}
    assert recipe.chat_template_kwargs == {"enable_thinking": False}
    assert recipe.model == "some/model" and recipe.eval.every_n_steps == 2 and recipe.eval.limit == 50
    with pytest.raises(RecipeError, match=r"'trainer\.max_stepz': trl\.SFTConfig has no argument"):
        load_recipe(path, ["trainer.max_stepz=3"])
    with pytest.raises(RecipeError, match=r"'trainer\.packing'.*expected true or false"):
        load_recipe(path, ["trainer.packing=maybe"])
    with pytest.raises(RecipeError, match="expected KEY=VALUE"):
        load_recipe(path, ["trainer.max_steps"])


def test_argument_lists_read_from_source_match_the_classes() -> None:
    """The fast path (source, no import) must agree with the imported classes, or a library moved something."""
    import dataclasses

    from peft import LoraConfig
    from trl import SFTConfig

    from harness.train.arguments import _from_source, CHAINS

    for target, cls in (("peft.LoraConfig", LoraConfig), ("trl.SFTConfig", SFTConfig)):
        assert set(_from_source(CHAINS[target])) == {f.name for f in dataclasses.fields(cls) if f.init}


def test_a_typo_is_reported_without_importing_torch(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = write(tmp_path, "trainer:\n  lerning_rate: 0.1\n")
    code = ("import sys\nfrom harness.cli import main\ncode = main(['train', sys.argv[1]])\n"
            "heavy = [m for m in ('torch', 'trl', 'peft', 'transformers') if m in sys.modules]\n"
            "assert not heavy, heavy\nsys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "'trainer.lerning_rate'" in done.stderr + done.stdout


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match="invalid YAML"):
        load_recipe(write(tmp_path, "lora: [r: 8\n"))
    with pytest.raises(RecipeError, match="no such recipe file"):
        load_recipe(tmp_path / "missing.yaml")


@pytest.mark.parametrize("path", RECIPES, ids=[p.stem for p in RECIPES])
def test_shipped_recipes_validate(path: Path) -> None:
    from harness.benchmarks import BENCHMARKS

    recipe = load_recipe(path)
    assert recipe.name == path.stem
    if recipe.data.benchmark not in BENCHMARKS:
        pytest.skip(f"benchmark {recipe.data.benchmark!r} is not registered yet")
    if recipe.data.path is None:  # data the project ships: build the first training rows for real
        from harness.train.sft import load_benchmark, sft_rows, training_examples

        benchmark = load_benchmark(recipe)
        rows = sft_rows(benchmark, training_examples(recipe, benchmark)[:2], recipe.chat_template_kwargs)
        assert rows[0]["prompt"][-1]["role"] == "user" and rows[0]["completion"][0]["content"].strip()
