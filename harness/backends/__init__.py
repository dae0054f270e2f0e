"""Backend registry. Entries are "module:attr" strings: heavy backends (vllm) import only when chosen."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from harness.backends.base import Backend
from harness.options import as_kwargs
from harness.registry import Registry, load

if TYPE_CHECKING:
    from harness.models import AdapterRef, ModelRef

BACKENDS = Registry({
    "hf": "harness.backends.hf:HFBackend",
    "vllm": "harness.backends.vllm:VLLMBackend",
    "api": "harness.backends.api:APIBackend",
}, "harness.backends")


def backend_class(name: str) -> type[Backend]:
    return load(BACKENDS, name, "backend")


def get_backend(name: str, model: ModelRef, adapters: Sequence[AdapterRef], options: Any) -> Backend:
    return backend_class(name)(model, adapters, **as_kwargs(options))


__all__ = ["BACKENDS", "Backend", "backend_class", "get_backend"]
