"""What a run was: identities and hashes of everything that determines its scores."""
from __future__ import annotations

import importlib.metadata
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.paths import REPO_ROOT

if TYPE_CHECKING:
    from harness.benchmarks.base import Benchmark

LIBRARIES = ("harness", "torch", "transformers", "peft", "trl", "datasets", "sqlglot", "sacrebleu",
             "rouge-score", "vllm")


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    versions["python"] = platform.python_version()
    return versions


def git_sha() -> str | None:
    """The harness checkout's commit, with '-dirty' when it has uncommitted changes."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                             check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{sha}-dirty" if dirty else sha


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def environment() -> dict[str, Any]:
    return {"libraries": library_versions(), "git_sha": git_sha(), "platform": platform.platform()}


def build_manifest(benchmark: "Benchmark", **entries: Any) -> dict[str, Any]:
    """The one manifest builder (run, score, train): the benchmark's options, data and prompt identities, the
    caller's entries (model, adapter, sampling, predictions, recipe...), the time and the environment."""
    return {"benchmark": benchmark.name, "benchmark_options": benchmark.options, "data": benchmark.data_identity(),
            "prompt": benchmark.prompt_identity(), **entries, "created": now_iso(), **environment()}
