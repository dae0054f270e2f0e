"""Backend registry. Entries are "module:attr" strings: heavy backends (vllm) import only when chosen."""
from __future__ import annotations

from typing import Any

from harness.backends.base import Backend
from harness.registry import load

BACKENDS: dict[str, str] = {
    "hf": "harness.backends.hf:HFBackend",
    "vllm": "harness.backends.vllm:VLLMBackend",
    "api": "harness.backends.api:APIBackend",
}


def get_backend(name: str, **options: Any) -> Backend:
    return load(BACKENDS, name, "backend")(**options)


__all__ = ["BACKENDS", "Backend", "get_backend"]
