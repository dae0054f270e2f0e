"""What a run was: identities and hashes of everything that determines its scores."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.paths import REPO_ROOT

if TYPE_CHECKING:
    from harness.benchmarks.base import Benchmark

LIBRARIES = ("harness", "torch", "transformers", "peft", "trl", "datasets", "sqlglot", "sacrebleu",
             "rouge-score", "vllm")


def library_versions() -> dict[str, str]:
    """The installed versions of LIBRARIES, and Python's. Kept in the cache folder per state of the import path:
    installing, upgrading or removing a package changes the modification time of the folder holding it, and
    reading the packages' metadata (importlib.metadata, its import included) costs a twentieth of a second of
    every command that writes a manifest."""
    from harness.paths import cache_dir
    from harness.runs.cache import cached_json

    key = {"python": sys.version, "path": [(entry, _mtime(entry)) for entry in sys.path]}
    return cached_json(cache_dir() / "env", "library-versions", key, _read_library_versions)


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path or ".").st_mtime_ns
    except OSError:
        return None


def _read_library_versions() -> dict[str, str]:
    import importlib.metadata

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
