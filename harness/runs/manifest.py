"""What a run was: identities and hashes of everything that determines its scores."""
from __future__ import annotations

import hashlib
import importlib.metadata
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from harness.paths import REPO_ROOT

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


def hash_path(path: str | Path, *, max_bytes: int = 4 << 30) -> str:
    """sha256 over a file, or over the relative names and contents of every file in a folder.

    Folders larger than `max_bytes` are fingerprinted by names and sizes only (prefix 'sizes:'), so that
    hashing a 30 GB checkpoint does not dominate a run.
    """
    path = Path(path)
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    digest = hashlib.sha256()
    by_content = sum(f.stat().st_size for f in files) <= max_bytes
    for f in files:
        digest.update(str(f.relative_to(path) if f != path else f.name).encode())
        if by_content:
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
        else:
            digest.update(str(f.stat().st_size).encode())
    return ("" if by_content else "sizes:") + digest.hexdigest()


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def environment() -> dict[str, Any]:
    return {"libraries": library_versions(), "git_sha": git_sha(), "platform": platform.platform()}
