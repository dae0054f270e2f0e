"""examples/quickstart.py runs end to end (on the tiny model here; on the embedded model by default)."""
from __future__ import annotations

import json
import runpy
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "quickstart.py"


def test_quickstart_runs_on_the_tiny_model(tiny_model_dir, tiny_spider, tmp_path, monkeypatch, capsys):
    out = tmp_path / "quickstart"
    for key, value in {"MODEL": tiny_model_dir, "DATA": tiny_spider, "STEPS": 2, "LIMIT": 3, "MAX_NEW_TOKENS": 4,
                       "OUT": out}.items():
        monkeypatch.setenv(f"QUICKSTART_{key}", str(value))
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    printed = capsys.readouterr().out
    assert "step 1: execution accuracy" in printed and "step 2: execution accuracy" in printed
    assert sorted(p.name for p in (out / "runs").iterdir()) == ["base", "default"]
    assert json.loads((out / "runs" / "default" / "summary.json").read_text())["n"] == 3
    assert sorted(p.name for p in (out / "adapter" / "evals").iterdir()) == ["step-1", "step-2"]
    markdown = (out / "report" / "leaderboard.md").read_text()
    assert "Learning curve: adapter" in markdown and "execution_accuracy:" in printed
