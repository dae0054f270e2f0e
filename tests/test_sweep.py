"""Checkpoint sweeps: one command scores every checkpoint a glob names; the report draws the learning curve."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import harness
from harness.cli import main
from harness.errors import ModelError
from harness.models import checkpoint_step, expand_adapters
from test_train_sft import make_recipe


def test_glob_expands_in_step_order_and_must_match(tmp_path: Path) -> None:
    for n in (10, 2, 1):
        (tmp_path / "checkpoints" / f"checkpoint-{n}").mkdir(parents=True)
    (tmp_path / "checkpoints" / "notes.txt").write_text("not an adapter")
    found = expand_adapters([str(tmp_path / "checkpoints" / "*"), "plain/dir"])
    assert [Path(f).name for f in found[:3]] == ["checkpoint-1", "checkpoint-2", "checkpoint-10"]
    assert found[3] == "plain/dir"
    with pytest.raises(ModelError, match=r"'.*/nothing-\*': the pattern matches no folder"):
        expand_adapters([str(tmp_path / "nothing-*")])
    (tmp_path / "checkpoints" / "checkpoint-2" / "trainer_state.json").write_text(json.dumps({"global_step": 7}))
    assert checkpoint_step(tmp_path / "checkpoints" / "checkpoint-2") == 7  # trainer_state wins over the name
    assert checkpoint_step(tmp_path / "checkpoints" / "checkpoint-10") == 10
    assert checkpoint_step(tmp_path / "my-adapter-3") is None


def test_sweep_scores_every_checkpoint_and_report_draws_the_curve(tmp_path, tiny_model_dir, tiny_spider, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    trained = harness.train(make_recipe(tmp_path, tiny_model_dir, tiny_spider).source, ["trainer.max_steps=2"])
    assert isinstance(trained, harness.Adapter) and trained == harness.Adapter.load(tmp_path / "adapter")
    assert trained.name == "adapter" and trained.manifest["steps"] == 2
    # what train returns is what evaluate takes as an adapter
    run = harness.evaluate("spider", str(tiny_model_dir), [trained], data=tiny_spider, split="dev", limit=1,
                           generation={"max_new_tokens": 2, "precision": "fp32"}, out=tmp_path / "one")
    assert list(run.variants) == ["base", "adapter"]
    assert run["adapter"].manifest["adapter"]["r"] == trained.manifest["recipe"]["lora"]["r"] == 4
    adapter = trained.path
    out = tmp_path / "runs"
    code = main(["run", "spider", "--data", str(tiny_spider), "--split", "dev", "--model", str(tiny_model_dir),
                 "--adapter", f"{adapter}/checkpoints/*", "--precision", "fp32", "--max-new-tokens", "4", "--limit", "3",
                 "--out", str(out)])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["base", "checkpoint-1", "checkpoint-2"]
    manifest = json.loads((out / "checkpoint-2" / "summary.json").read_text())["manifest"]
    assert manifest["adapter"]["step"] == 2 and manifest["adapter"]["training_run"] == adapter.name

    assert main(["report", str(out), "--out", str(tmp_path / "report")]) == 0
    markdown = (tmp_path / "report" / "leaderboard.md").read_text()
    curve = markdown.split(f"Learning curve: {adapter.name} ({tiny_model_dir.name})", 1)[1]
    steps = [line.split("|")[1].strip() for line in curve.splitlines() if line.startswith("| ") and "step" not in line]
    assert steps[:3] == ["0", "1", "2"]
    page = (tmp_path / "report" / "leaderboard.html").read_text()
    assert "Learning curve: execution_accuracy by training step" in page
    assert page.count("<polyline") == 1 and page.count(f"{adapter.name} ({tiny_model_dir.name}) step ") == 3
