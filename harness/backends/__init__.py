"""Backend registry. Entries are "module:attr" strings: heavy backends (vllm) import only when chosen."""
from __future__ import annotations

from typing import Any

from harness.backends.base import Backend
from harness.registry import load, with_plugins

BACKENDS: dict[str, str] = with_plugins({
    "hf": "harness.backends.hf:HFBackend",
    "vllm": "harness.backends.vllm:VLLMBackend",
    "api": "harness.backends.api:APIBackend",
}, "harness.backends")


def backend_class(name: str) -> type[Backend]:
    return load(BACKENDS, name, "backend")


def get_backend(name: str, **options: Any) -> Backend:
    return backend_class(name)(**options)


__all__ = ["BACKENDS", "Backend", "backend_class", "get_backend"]
