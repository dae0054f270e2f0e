"""Training recipes: YAML files validated into dataclasses before anything heavy loads.

Every error names the recipe file, the dotted key (with its line where the YAML has one) and what was
expected. `--set section.key=value` overrides are parsed as YAML scalars and validated like file values.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Sequence

import yaml


class RecipeError(ValueError):
    """A recipe that cannot be trained: the message names the file, the key and what was expected."""


@dataclass
class DataConfig:
    benchmark: str = "spider"
    split: str = "train"
    path: str | None = None  # the benchmark's data folder/file; None = the data the benchmark ships
    options: dict[str, Any] = field(default_factory=dict)  # benchmark constructor options (e.g. exclude_dbs)
    limit: int | None = None  # first N examples only
    shuffle_seed: int | None = 0  # shuffle examples before `limit`/training; None keeps file order


@dataclass
class LoraSettings:
    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: list[str] | Literal["all-linear"] = "all-linear"


@dataclass
class OptimSettings:
    learning_rate: float = 2e-4
    scheduler: str = "cosine"
    warmup: float = 0.03  # < 1: fraction of all steps; >= 1: number of steps
    max_steps: int | None = None  # wins over epochs when set
    epochs: float = 1.0
    batch_size: int = 4
    grad_accum: int = 1
    max_length: int | None = 1024  # None: no truncation (required by padding_free without packing)
    seed: int = 0
    weight_decay: float = 0.0


@dataclass
class RuntimeSettings:
    precision: Literal["bf16", "fp32"] = "bf16"
    load_in_4bit: bool = False  # QLoRA (bitsandbytes, CUDA only)
    gradient_checkpointing: bool = False
    packing: bool = False  # best-fit-decreasing packing into max_length blocks (implies padding-free)
    padding_free: bool = False  # flatten each batch into one sequence; needs packing to enforce max_length
    threads: int | None = None  # torch CPU threads; None = torch default


@dataclass
class LoggingSettings:
    report_to: Literal["none", "tensorboard", "wandb", "swanlab"] = "none"
    logging_steps: int = 1


@dataclass
class CheckpointSettings:
    save_steps: int = 50
    save_total_limit: int = 2


@dataclass
class Recipe:
    name: str
    model: str | None = None  # hub id, local folder, .gguf file; None = embedded SmolLM2-135M-Instruct
    chat_template_kwargs: dict[str, Any] = field(default_factory=dict)
    data: DataConfig = field(default_factory=DataConfig)
    lora: LoraSettings = field(default_factory=LoraSettings)
    optim: OptimSettings = field(default_factory=OptimSettings)
    runtime: RuntimeSettings = field(default_factory=RuntimeSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    checkpoints: CheckpointSettings = field(default_factory=CheckpointSettings)
    output_dir: str | None = None  # default adapters/<name>
    source: str | None = field(default=None, metadata={"internal": True})  # the file it was read from

    def adapter_dir(self) -> Path:
        return Path(self.output_dir or f"adapters/{self.name}")

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "source"}


def load_recipe(path: str | Path, overrides: Sequence[str] = ()) -> Recipe:
    """Read, override and validate a recipe; the adapter name defaults to the file's stem."""
    path = Path(path)
    if not path.is_file():
        raise RecipeError(f"{path}: no such recipe file")
    text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
        lines = _key_lines(yaml.compose(text))
    except yaml.YAMLError as err:
        raise RecipeError(f"{path}: invalid YAML: {err}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise RecipeError(f"{path}: expected a mapping of recipe keys at the top level")
    raw.setdefault("name", path.stem)
    for item in overrides:
        _apply_override(raw, item, path)
    recipe = _build(Recipe, raw, "", _Where(path, lines))
    recipe.source = str(path)
    return recipe


@dataclass
class _Where:
    path: Path
    lines: dict[str, int]

    def at(self, key: str) -> str:
        line = self.lines.get(key)
        return f"{self.path}:{line}: {key!r}" if line else f"{self.path}: {key!r}"


def _key_lines(node: yaml.Node | None, prefix: str = "") -> dict[str, int]:
    """Dotted key -> 1-based line number, for error messages."""
    found: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            found[key] = key_node.start_mark.line + 1
            found.update(_key_lines(value_node, key + "."))
    return found


def _apply_override(raw: dict[str, Any], item: str, path: Path) -> None:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise RecipeError(f"--set {item!r}: expected KEY=VALUE, e.g. optim.max_steps=20")
    *parents, leaf = key.strip().split(".")
    target = raw
    for i, part in enumerate(parents):
        child = target.setdefault(part, {})
        if not isinstance(child, dict):
            raise RecipeError(f"--set {key}: {'.'.join(parents[: i + 1])} in {path} is not a section")
        target = child
    try:
        target[leaf] = yaml.safe_load(value) if value.strip() else None
    except yaml.YAMLError:
        target[leaf] = value


def _build(cls: type, raw: Any, prefix: str, where: _Where) -> Any:
    section = prefix.rstrip(".") or "recipe"
    if not isinstance(raw, dict):
        raise RecipeError(f"{where.at(section)}: expected a mapping with keys {', '.join(_public_fields(cls))}")
    hints = typing.get_type_hints(cls)
    fields = _public_fields(cls)
    unknown = [k for k in raw if k not in fields]
    if unknown:
        key = f"{prefix}{unknown[0]}"
        raise RecipeError(f"{where.at(key)}: unknown key; expected one of: {', '.join(fields)}")
    values = {}
    for name, value in raw.items():
        key = f"{prefix}{name}"
        expected = hints[name]
        if dataclasses.is_dataclass(expected):
            values[name] = _build(expected, value if value is not None else {}, key + ".", where)
        else:
            values[name] = _check(value, expected, key, where)
    return cls(**values)


def _public_fields(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def _check(value: Any, expected: Any, key: str, where: _Where) -> Any:
    """`value` if it fits the annotation `expected` (ints widen to float, scalars to str), else RecipeError."""
    ok, coerced = _fits(value, expected)
    if not ok:
        raise RecipeError(f"{where.at(key)}: got {value!r} ({type(value).__name__}); expected {_describe(expected)}")
    return coerced


def _fits(value: Any, expected: Any) -> tuple[bool, Any]:
    origin = typing.get_origin(expected)
    args = typing.get_args(expected)
    if origin in (typing.Union, types.UnionType):
        for option in args:
            ok, coerced = _fits(value, option)
            if ok:
                return True, coerced
        return False, value
    if origin is Literal:
        return value in args, value
    if expected is type(None):
        return value is None, value
    if expected is Any:
        return True, value
    if origin is list:
        if not isinstance(value, list):
            return False, value
        checked = [_fits(v, args[0]) for v in value]
        return all(ok for ok, _ in checked), [v for _, v in checked]
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(k, str) for k in value), value
    if expected is bool:
        return isinstance(value, bool), value
    if expected in (int, float) and isinstance(value, str):
        value = _number(value)  # PyYAML reads 2e-4 (no dot) as a string
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return ok, float(value) if ok else value
    if expected is str:
        ok = isinstance(value, (str, int, float)) and not isinstance(value, bool)
        return ok, str(value) if ok else value
    return isinstance(value, expected), value


def _number(text: str) -> int | float | str:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _describe(expected: Any) -> str:
    origin = typing.get_origin(expected)
    args = typing.get_args(expected)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in args)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if expected is type(None):
        return "null"
    if origin is list:
        return f"a list of {_describe(args[0])}"
    if origin is dict:
        return "a mapping"
    return {int: "an integer", float: "a number", str: "a string", bool: "true or false"}.get(expected, str(expected))
