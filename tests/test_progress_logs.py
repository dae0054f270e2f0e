"""Progress as users see it: lines in a log file as work goes (training and generation), bars only in a
terminal, per-example progress inside a batch, no deprecation noise, full-width tables when piped."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import torch
from rich.table import Table

from harness.backends.hf import _FinishedRows
from harness.console import make_console
from tiny_training import write_recipe


def _cli(*args: str, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "HARNESS_CACHE_DIR": str(cwd / "cache"), "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("COLUMNS", None)
    command = [sys.executable, "-c", "import sys; from harness.cli import main; sys.exit(main())", *args]
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_redirected_train_writes_step_lines_as_it_goes(tmp_path: Path, tiny_model_dir: Path, tiny_spider: Path) -> None:
    recipe = write_recipe(tmp_path, tiny_model_dir, tiny_spider)
    settings = ["trainer.max_steps=12", "trainer.gradient_checkpointing=true", "trainer.logging_steps=1",
                "trainer.save_steps=4", "trainer.save_total_limit=1"]
    proc = _cli("train", str(recipe), *(arg for setting in settings for arg in ("--set", setting)), cwd=tmp_path)
    arrivals: dict[str, float] = {}
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("step "):
            arrivals.setdefault(line.split()[1], time.perf_counter())
    assert proc.wait(timeout=120) == 0, "".join(lines)
    text = "".join(lines)
    step_lines = [line for line in lines if line.startswith("step ")]
    assert len(step_lines) == 12 and step_lines[0].startswith("step 1/12 loss ")
    assert " tokens/s ETA " in step_lines[0] and step_lines[-1].rstrip().endswith("ETA 0:00:00")
    # written as training goes, not all at exit: three checkpoints were saved between the first and last line
    assert arrivals["12/12"] - arrivals["1/12"] > 0.05
    assert "Warning" not in text and "\x1b[" not in text  # no deprecation noise, no terminal escapes in a log


def test_redirected_run_writes_a_line_per_generation_batch(tmp_path: Path, tiny_model_dir: Path,
                                                           tiny_spider: Path) -> None:
    proc = _cli("run", "spider", "--data", str(tiny_spider), "--model", str(tiny_model_dir), "--batch-size", "2",
                "--max-new-tokens", "4", "--precision", "fp32", "--out", str(tmp_path / "run"), cwd=tmp_path)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    batches = [line for line in out.splitlines() if line.startswith("generating (0 cached) ")]
    assert [b.split()[3] for b in batches] == ["2/6", "4/6", "6/6"]
    assert all(" tokens/s ETA " in b for b in batches)
    assert "…" not in out  # tables keep their full width when piped


def test_finished_rows_are_reported_inside_a_batch() -> None:
    class Tok:
        eos_token_id, pad_token_id = 0, 0

    calls: list[int] = []
    criterion = _FinishedRows(Tok(), calls.append)
    for last in ([5, 7, 9], [0, 7, 9], [0, 7, 9], [0, 0, 0]):
        ids = torch.tensor([[1, 2, t] for t in last])
        assert not criterion(ids, torch.zeros(3, 10)).any()  # never stops generation itself
    assert calls == [1, 3]


def test_piped_console_keeps_tables_full_width(monkeypatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    console = make_console(file=io.StringIO())
    table = Table()
    for name in ("metric", "smollm2-135m-instruct | base", "smollm2-135m-instruct | demo-spider-smollm2"):
        table.add_column(name)
    table.add_row("execution_accuracy", "0.000 [0.000, 0.000]", "0.151 [0.085, 0.217]")
    console.print(table)
    assert "…" not in console.file.getvalue() and "execution_accuracy" in console.file.getvalue()
