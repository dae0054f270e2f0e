"""Lazy registries: entries are "module:attr" strings, so a heavy component (vllm, a benchmark's
dependencies) is imported only when chosen."""
from __future__ import annotations

import importlib
from typing import Any, Mapping


def load(registry: Mapping[str, str], name: str, kind: str) -> Any:
    """The object registered as `name`, imported on first use; an unknown name lists the choices."""
    try:
        target = registry[name]
    except KeyError:
        raise ValueError(f"unknown {kind} {name!r}; choose one of: {', '.join(sorted(registry))}") from None
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)
