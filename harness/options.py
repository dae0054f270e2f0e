"""Typed options: a benchmark's `Config` and a backend's `Options` are dataclasses whose fields are the options
(type, default, help). Values given by name (`-O key=value`, a `generation` mapping, CLI flags) are checked
against them, so a bad value is one line naming the option and the type it expects."""
from __future__ import annotations

import collections.abc
import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

from harness.errors import ConfigError

_SEQUENCES = (list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Set)
T = TypeVar("T")


def option(default: Any = dataclasses.MISSING, *, help: str, cache_key: bool = True,
           factory: Callable[[], Any] | None = None) -> Any:
    """A dataclass field that is an option. `cache_key`: for backends, whether the value can change the generated
    text (then it is part of the generation cache key; batch size, timeouts and the like are not)."""
    metadata = {"help": help, "cache_key": cache_key}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass(frozen=True)
class NoOptions:
    """A component without options."""


def option_types(options_class: type) -> dict[str, Any]:
    """The fields of an options dataclass and their resolved type hints."""
    hints = typing.get_type_hints(options_class)
    return {f.name: hints.get(f.name, Any) for f in dataclasses.fields(options_class) if f.init}


def option_default(f: dataclasses.Field) -> Any:
    return f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default


def check_options(options_class: type, options: Mapping[str, Any], where: str) -> None:
    """Raise ConfigError for an unknown option (listing the known ones) or a value of the wrong type."""
    known = option_types(options_class)
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ConfigError(f"{where} has no option {', '.join(unknown)}; its options are: "
                          f"{', '.join(known) or 'none'}")
    for name, value in options.items():
        if not matches(value, known[name]):
            raise ConfigError(f"{where} option {name}: expected {describe(known[name])}, got {value!r} "
                              f"({type(value).__name__})")


def make_options(options_class: type[T], options: Mapping[str, Any], where: str) -> T:
    """The options dataclass built from checked values (defaults for the rest)."""
    check_options(options_class, options, where)
    return options_class(**options)


def as_kwargs(options: Any) -> dict[str, Any]:
    """An options dataclass as keyword arguments (shallow: values stay the objects they are)."""
    return {f.name: getattr(options, f.name) for f in dataclasses.fields(options)}


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
    if origin in (typing.Union, types.UnionType):  # sorted: typing caches equal unions in whichever order came first
        arms = sorted(describe(arm) for arm in args if arm is not type(None))
        return " or ".join(arms + ["null"] * (type(None) in args))
    if origin is typing.Literal:
        return "one of " + ", ".join(map(repr, args))
    if origin in _SEQUENCES:
        return f"a list of {describe(args[0]).removeprefix('a ').removeprefix('an ')}s" if args else "a list"
    if origin in (dict, collections.abc.Mapping):
        return "a mapping"
    return {type(None): "null", int: "an integer", float: "a number", bool: "true or false", str: "a string",
            Path: "a path"}.get(hint, getattr(hint, "__name__", str(hint)))
