"""The demo adapter `make demo` scores ships in the repository: its weights are those its manifest describes,
trained by the recipe it names, small (LoRA on the attention projections only)."""
from __future__ import annotations

import json
from pathlib import Path

from harness.io import hash_path
from harness.train.recipe import load_recipe

ROOT = Path(__file__).parents[1]
ADAPTER = ROOT / "adapters" / "demo-spider-smollm2"


def test_shipped_weights_match_their_manifest() -> None:
    manifest = json.loads((ADAPTER / "harness_manifest.json").read_text())
    assert hash_path(ADAPTER / "adapter_model.safetensors") == manifest["adapter_sha256"]
    assert (ADAPTER / "adapter_model.safetensors").stat().st_size < 8_000_000


def test_shipped_adapter_was_trained_by_its_recipe() -> None:
    manifest = json.loads((ADAPTER / "harness_manifest.json").read_text())
    recipe = load_recipe(ROOT / "adapters" / "recipes" / "demo-spider-smollm2.yaml").as_dict()
    trained = {**manifest["recipe"], "output_dir": recipe["output_dir"]}  # it was trained into a scratch folder
    assert trained == recipe
    config = json.loads((ADAPTER / "adapter_config.json").read_text())
    assert sorted(config["target_modules"]) == ["k_proj", "o_proj", "q_proj", "v_proj"] and config["r"] <= 8
    assert config["base_model_name_or_path"] == "smollm2-135m-instruct"
