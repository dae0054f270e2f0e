"""Where harness keeps what it builds once: converted models, built benchmark data, generations."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """`$HARNESS_CACHE_DIR`, else `~/.cache/harness`."""
    root = os.environ.get("HARNESS_CACHE_DIR") or Path.home() / ".cache" / "harness"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path
