"""Typed options: values given by name (`-O key=value`, a `generation` mapping) checked against the type hints of
the class they configure, so a bad value is one line naming the option and the type it expects."""
from __future__ import annotations

import collections.abc
import inspect
import types
import typing
from pathlib import Path
from typing import Any, Callable, Mapping

from harness.errors import ConfigError

_SEQUENCES = (list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Set)


def option_types(target: Callable[..., Any]) -> dict[str, Any]:
    """The named parameters of a class's constructor (or a function) and their resolved type hints."""
    init = target.__init__ if isinstance(target, type) else target
    hints = typing.get_type_hints(init)
    params = inspect.signature(target).parameters
    return {name: hints.get(name, Any) for name, p in params.items()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


def takes_any(target: Callable[..., Any]) -> bool:
    """Whether the target takes **options (then any name is accepted and its own code checks it)."""
    return any(p.kind == p.VAR_KEYWORD for p in inspect.signature(target).parameters.values())


def check_options(target: Callable[..., Any], options: Mapping[str, Any], where: str, *,
                  internal: tuple[str, ...] = ()) -> None:
    """Raise ConfigError for an unknown option (listing the known ones) or a value of the wrong type;
    `internal` parameters are not options (a backend's model and adapters)."""
    known = {k: v for k, v in option_types(target).items() if k not in internal}
    unknown = sorted(set(options) - set(known))
    if unknown and not takes_any(target):
        raise ConfigError(f"{where} has no option {', '.join(unknown)}; its options are: {', '.join(known)}")
    for name, value in options.items():
        if name in known and not matches(value, known[name]):
            raise ConfigError(f"{where} option {name}: expected {describe(known[name])}, got {value!r} "
                              f"({type(value).__name__})")


def matches(value: Any, hint: Any) -> bool:
    """Whether `value` fits the type hint (containers checked one level deep)."""
    if hint is Any:
        return True
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(matches(value, arm) for arm in args)
    if hint is None or hint is type(None):
        return value is None
    if origin is typing.Literal:
        return value in args
    if origin in _SEQUENCES or hint in _SEQUENCES:
        return (isinstance(value, (list, tuple, set, frozenset))
                and all(matches(v, args[0]) for v in value) if args else isinstance(value, (list, tuple)))
    if origin in (dict, collections.abc.Mapping) or hint in (dict, collections.abc.Mapping):
        return isinstance(value, collections.abc.Mapping)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is Path:
        return isinstance(value, (str, Path))
    return isinstance(value, origin or hint)


def describe(hint: Any) -> str:
    """A type hint in words: `int | None` -> "an integer or null"."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe(arm) for arm in args)
    if origin is typing.Literal:
        return "one of " + ", ".join(map(repr, args))
    if origin in _SEQUENCES:
        return f"a list of {describe(args[0]).removeprefix('a ').removeprefix('an ')}s" if args else "a list"
    if origin in (dict, collections.abc.Mapping):
        return "a mapping"
    return {type(None): "null", int: "an integer", float: "a number", bool: "true or false", str: "a string",
            Path: "a path"}.get(hint, getattr(hint, "__name__", str(hint)))
