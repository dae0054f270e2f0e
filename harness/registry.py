"""Lazy registries: entries are "module:attr" strings, so a heavy component (vllm, a benchmark's
dependencies) is imported only when chosen. Installed packages add entries through entry points
(`harness.benchmarks`, `harness.backends`), whose values are the same "module:attr" strings."""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any, Mapping

from harness.errors import ConfigError


def with_plugins(builtin: Mapping[str, str], group: str) -> dict[str, str]:
    """The built-in entries plus those installed packages declare in the entry-point `group`; a built-in name
    cannot be replaced."""
    found = dict(builtin)
    for ep in entry_points(group=group):
        found.setdefault(ep.name, ep.value)
    return found


def load(registry: Mapping[str, str], name: str, kind: str) -> Any:
    """The object registered as `name`, imported on first use; an unknown name lists the choices."""
    try:
        target = registry[name]
    except KeyError:
        raise ConfigError(f"unknown {kind} {name!r}; choose one of: {', '.join(sorted(registry))}") from None
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)
