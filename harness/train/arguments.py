"""The arguments `peft.LoraConfig` and `trl.SFTConfig` accept, read from their source without importing them.

Importing trl and peft takes seconds (torch, transformers); a recipe typo should be reported at once. The
classes are dataclasses, so their fields are the annotated names in their class bodies (and their bases').
If a library moves a class, the real class is imported instead: slower, never wrong.
"""
from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import importlib.util
import typing
from pathlib import Path
from typing import Any, Literal, Optional, Union

# Each class and its dataclass bases, base first: (package, file in the package, class name).
CHAINS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "peft.LoraConfig": (("peft", "config.py", "PeftConfigMixin"), ("peft", "config.py", "PeftConfig"),
                        ("peft", "tuners/lora/config.py", "LoraConfig")),
    "trl.SFTConfig": (("transformers", "training_args.py", "TrainingArguments"),
                      ("trl", "trainer/base_config.py", "_BaseConfig"), ("trl", "trainer/sft_config.py", "SFTConfig")),
}


class _AnyName(dict):
    """Names an annotation uses: typing's and builtins' where known, Any for the library's own (enums, classes)."""

    def __missing__(self, key: str) -> Any:
        return Any


_NAMES = {"Optional": Optional, "Union": Union, "Literal": Literal, "Any": Any, "list": list, "dict": dict,
          "tuple": tuple, "str": str, "int": int, "float": float, "bool": bool, "None": None}


@functools.cache
def arguments(target: str) -> dict[str, Any]:
    """Constructor argument -> type annotation of `target` ("peft.LoraConfig" or "trl.SFTConfig")."""
    try:
        return _from_source(CHAINS[target])
    except (OSError, SyntaxError, LookupError):
        return _from_class(target)


def _from_source(chain: tuple[tuple[str, str, str], ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for package, file, name in chain:
        spec = importlib.util.find_spec(package)  # a top-level package: located, not imported
        if spec is None or not spec.submodule_search_locations:
            raise LookupError(package)
        tree = ast.parse((Path(spec.submodule_search_locations[0]) / file).read_text(encoding="utf-8"))
        cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
        if cls is None:
            raise LookupError(f"{package}/{file}: {name}")
        for item in cls.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and _in_init(item):
                found[item.target.id] = _annotation(item.annotation)
    if not found:
        raise LookupError(chain[-1][2])
    return found


def _in_init(item: ast.AnnAssign) -> bool:
    """False for ClassVar annotations and `field(init=False)`."""
    if "ClassVar" in ast.unparse(item.annotation):
        return False
    call = item.value
    if isinstance(call, ast.Call) and ast.unparse(call.func).endswith("field"):
        return not any(k.arg == "init" and isinstance(k.value, ast.Constant) and k.value.value is False
                       for k in call.keywords)
    return True


def _annotation(node: ast.expr) -> Any:
    try:
        return eval(compile(ast.Expression(node), "<annotation>", "eval"), {"__builtins__": {}}, _AnyName(_NAMES))
    except Exception:  # an annotation this reader cannot evaluate accepts any value; the class checks it later
        return Any


def _from_class(target: str) -> dict[str, Any]:
    module, name = target.rsplit(".", 1)
    cls = getattr(importlib.import_module(module), name)
    hints = typing.get_type_hints(cls)
    return {f.name: hints.get(f.name, Any) for f in dataclasses.fields(cls) if f.init}
