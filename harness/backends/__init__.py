"""Backend registry. Entries are "module:attr" strings: heavy backends (vllm) import only when chosen."""
from __future__ import annotations

import importlib
from typing import Any

from harness.backends.base import Backend

BACKENDS: dict[str, str] = {
    "hf": "harness.backends.hf:HFBackend",
    "vllm": "harness.backends.vllm:VLLMBackend",
    "api": "harness.backends.api:APIBackend",
}


def get_backend(name: str, **options: Any) -> Backend:
    try:
        target = BACKENDS[name]
    except KeyError:
        raise ValueError(f"unknown backend {name!r}; choose one of: {', '.join(sorted(BACKENDS))}") from None
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)(**options)


__all__ = ["BACKENDS", "Backend", "get_backend"]
