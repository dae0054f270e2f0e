"""harness: evaluate LoRA fine-tuned language models on SQL and extraction tasks.

    import harness
    run = harness.evaluate("spider", limit=5)                 # base model: generate, score, write runs/...
    run["base"].metrics["execution_accuracy"]                  # Metric(value, ci_low, ci_high)
    harness.score("spider", ["SELECT count(*) FROM singer", ...])  # predictions without a model

Names load on first use, so `import harness` imports neither torch nor transformers.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_EXPORTS = {
    **dict.fromkeys(("evaluate", "score", "train", "merge", "compare", "gate", "gate_file", "report"), "harness.api"),
    "Run": "harness.runs.records", "Variant": "harness.runs.records", "Record": "harness.types",
    "Adapter": "harness.models",
    "EvalCallback": "harness.train.callback",
    **dict.fromkeys(("HarnessError", "DataError", "ConfigError", "ModelError"), "harness.errors"),
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'harness' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


class _Package(types.ModuleType):
    """Some verbs share their name with the module that implements them (harness/evaluate.py, train/,
    report/, gate.py, merge.py). Importing such a module would rebind `harness.<verb>` to the module; here the
    verb stays. Import from those modules as usual (`from harness.evaluate import run`); `import harness.evaluate
    as m` and string targets such as `monkeypatch.setattr("harness.evaluate.x", ...)` resolve to the verb, so
    use `importlib.import_module("harness.evaluate")` for the module object."""

    def __setattr__(self, name: str, value: Any) -> None:
        if not (name in _EXPORTS and isinstance(value, types.ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
