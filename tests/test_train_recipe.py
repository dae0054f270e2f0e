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
    assert recipe.lora.r == 8 and recipe.lora.target_modules == "all-linear"
    assert recipe.model is None and recipe.data.benchmark == "spider"


def test_unknown_key_names_file_line_and_choices(tmp_path: Path) -> None:
    path = write(tmp_path, "model: null\nlora:\n  r: 8\n  rank: 4\n")
    with pytest.raises(RecipeError) as err:
        load_recipe(path)
    message = str(err.value)
    assert f"{path}:4" in message and "'lora.rank'" in message and "unknown key" in message
    assert "r, alpha, dropout, target_modules" in message


def test_wrong_type_names_key_and_expected(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match=r"r\.yaml:2: 'optim\.batch_size': got 'four' \(str\); expected an integer"):
        load_recipe(write(tmp_path, "optim:\n  batch_size: four\n"))
    with pytest.raises(RecipeError, match=r"'runtime\.precision'.*expected one of 'bf16', 'fp32'"):
        load_recipe(write(tmp_path, "runtime:\n  precision: fp8\n"))
    with pytest.raises(RecipeError, match=r"'lora\.target_modules'.*a list of a string or one of 'all-linear'"):
        load_recipe(write(tmp_path, "lora:\n  target_modules: 7\n"))
    with pytest.raises(RecipeError, match=r"'data': expected a mapping"):
        load_recipe(write(tmp_path, "data: spider\n"))


def test_numbers_are_coerced(tmp_path: Path) -> None:
    # PyYAML reads 2e-4 (no dot) as a string; integers widen to floats.
    recipe = load_recipe(write(tmp_path, "optim:\n  learning_rate: 2e-4\n  epochs: 2\n"))
    assert recipe.optim.learning_rate == pytest.approx(2e-4) and isinstance(recipe.optim.epochs, float)


def test_overrides_are_parsed_and_validated(tmp_path: Path) -> None:
    path = write(tmp_path, "optim:\n  max_steps: 100\n")
    recipe = load_recipe(path, ["optim.max_steps=3", "optim.learning_rate=1e-3", "lora.target_modules=[q_proj, v_proj]",
                                "data.options={exclude_dbs: [a, b]}", "chat_template_kwargs.enable_thinking=false",
                                "model=some/model"])
    assert recipe.optim.max_steps == 3 and recipe.optim.learning_rate == pytest.approx(1e-3)
    assert recipe.lora.target_modules == ["q_proj", "v_proj"]
    assert recipe.data.options == {"exclude_dbs": ["a", "b"]}
    assert recipe.chat_template_kwargs == {"enable_thinking": False}
    assert recipe.model == "some/model"
    with pytest.raises(RecipeError, match=r"'optim\.max_stepz': unknown key"):
        load_recipe(path, ["optim.max_stepz=3"])
    with pytest.raises(RecipeError, match=r"'runtime\.packing'.*expected true or false"):
        load_recipe(path, ["runtime.packing=maybe"])
    with pytest.raises(RecipeError, match="expected KEY=VALUE"):
        load_recipe(path, ["optim.max_steps"])


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
