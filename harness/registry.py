"""Lazy registries: entries are "module:attr" strings, so a heavy component (vllm, a benchmark's
dependencies) is imported only when chosen. Installed packages add entries through entry points
(`harness.benchmarks`, `harness.backends`), whose values are the same "module:attr" strings."""
from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

from harness.errors import ConfigError


class Registry(MutableMapping[str, str]):
    """Name -> "module:attr": the built-in entries, plus those installed packages declare in the entry-point
    `group` (a built-in name cannot be replaced). The entry points are read only when a name is not built-in
    or every name is asked for: reading them scans every installed package's metadata, which a command using
    a built-in name (`harness score spider`) need not wait for."""

    def __init__(self, builtin: Mapping[str, str], group: str) -> None:
        self._entries = dict(builtin)
        self._group = group
        self._scanned = False

    def _all(self) -> dict[str, str]:
        if not self._scanned:
            from importlib.metadata import entry_points

            self._scanned = True
            for ep in entry_points(group=self._group):
                self._entries.setdefault(ep.name, ep.value)
        return self._entries

    def __getitem__(self, name: str) -> str:
        return self._entries[name] if name in self._entries else self._all()[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries or name in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __setitem__(self, name: str, target: str) -> None:
        self._entries[name] = target

    def __delitem__(self, name: str) -> None:
        del self._all()[name]


def load(registry: Mapping[str, str], name: str, kind: str) -> Any:
    """The object registered as `name`, imported on first use; an unknown name lists the choices."""
    try:
        target = registry[name]
    except KeyError:
        raise ConfigError(f"unknown {kind} {name!r}; choose one of: {', '.join(sorted(registry))}") from None
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)
