"""Training recipes: YAML files validated before anything heavy loads.

The `lora:` section holds `peft.LoraConfig` arguments and `trainer:` holds `trl.SFTConfig` arguments (which
include every `transformers.TrainingArguments` one), passed to those classes as written; their names and
types are checked against the classes' own fields, read from source without importing them (a typo is
reported in a fraction of a second). `data:`, `runtime:` and `eval:` are harness's own.

Every error names the recipe file, the dotted key (with its line where the YAML has one) and what was
expected. `--set section.key=value` overrides are parsed as YAML scalars and validated like file values.
"""
from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Sequence

import yaml

from harness.errors import ConfigError
from harness.options import describe
from harness.train.arguments import arguments


class RecipeError(ConfigError):
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
class RuntimeSettings:
    load_in_4bit: bool = False  # QLoRA (bitsandbytes, CUDA only)
    threads: int | None = None  # torch CPU threads; None = torch default


@dataclass
class EvalSettings:
    """Evaluate while training (harness.EvalCallback): every `every_n_steps` steps, on the first `limit` examples."""

    every_n_steps: int = 50
    benchmark: str | None = None  # None = data.benchmark
    split: str | None = None  # None = the benchmark's test split
    path: str | None = None  # None = the data the benchmark ships
    options: dict[str, Any] = field(default_factory=dict)
    limit: int | None = 50
    max_new_tokens: int = 256
    batch_size: int = 8


# What harness uses when a recipe leaves a key out (the libraries' own defaults suit GPUs and long runs).
LORA_DEFAULTS: dict[str, Any] = {"r": 16, "lora_alpha": 32, "lora_dropout": 0.05, "target_modules": "all-linear"}
TRAINER_DEFAULTS: dict[str, Any] = {
    "learning_rate": 2e-4, "lr_scheduler_type": "cosine", "warmup_steps": 0.03, "per_device_train_batch_size": 4,
    "max_length": 1024, "seed": 0, "bf16": True, "gradient_checkpointing": False, "report_to": "none",
    "logging_steps": 1, "save_steps": 50, "save_total_limit": 2,
}
# Arguments harness sets itself; a recipe naming one is told where the setting lives instead.
HARNESS_SET = {
    "lora": {"task_type": "always CAUSAL_LM", "base_model_name_or_path": "set from the top-level `model`"},
    "trainer": {"output_dir": "use the top-level `output_dir` (checkpoints go to <output_dir>/checkpoints)",
                "use_cpu": "chosen from the machine (CUDA if available)",
                "completion_only_loss": "always true: the loss is on the answer only",
                "include_num_input_tokens_seen": "always counted (the manifest's tokens/s)",
                "disable_tqdm": "harness draws its own progress bar"},
}


@dataclass
class Recipe:
    """`lora` holds `peft.LoraConfig` arguments and `trainer` holds `trl.SFTConfig` arguments, as given (with
    harness's defaults for keys left out); both are checked against those classes' own fields."""

    name: str
    model: str | None = None  # hub id, local folder, .gguf file; None = embedded SmolLM2-135M-Instruct
    chat_template_kwargs: dict[str, Any] = field(default_factory=dict)
    data: DataConfig = field(default_factory=DataConfig)
    lora: dict[str, Any] = field(default_factory=dict, metadata={"arguments_of": "peft.LoraConfig"})
    trainer: dict[str, Any] = field(default_factory=dict, metadata={"arguments_of": "trl.SFTConfig"})
    runtime: RuntimeSettings = field(default_factory=RuntimeSettings)
    eval: EvalSettings | None = None
    output_dir: str | None = None  # default adapters/<name>
    source: str | None = field(default=None, metadata={"internal": True})  # the file it was read from

    def adapter_dir(self) -> Path:
        return Path(self.output_dir or f"adapters/{self.name}")

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "source"}

    def lora_arguments(self) -> dict[str, Any]:
        return {**LORA_DEFAULTS, **self.lora}

    def trainer_arguments(self) -> dict[str, Any]:
        return {**TRAINER_DEFAULTS, **self.trainer}


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
        raise RecipeError(f"--set {item!r}: expected KEY=VALUE, e.g. trainer.max_steps=20")
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
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    unknown = [k for k in raw if k not in fields]
    if unknown:
        key = f"{prefix}{unknown[0]}"
        hint = f" ({MOVED[unknown[0]]})" if not prefix and unknown[0] in MOVED else ""
        raise RecipeError(f"{where.at(key)}: unknown key{hint}; expected one of: {', '.join(fields)}")
    values = {}
    for name, value in raw.items():
        key = f"{prefix}{name}"
        expected = _dataclass_in(hints[name])
        if fields[name].metadata.get("arguments_of"):
            values[name] = _arguments(fields[name].metadata["arguments_of"], value, key, where)
        elif expected is not None and not (value is None and hints[name] is not expected):
            values[name] = _build(expected, value if value is not None else {}, key + ".", where)
        else:
            values[name] = _check(value, hints[name], key, where)
    return cls(**values)


# Sections of earlier recipes, named in the error so an old recipe is quick to port.
MOVED = {s: "its keys are now trl.SFTConfig arguments under `trainer:`" for s in ("optim", "logging", "checkpoints")}


def _dataclass_in(annotation: Any) -> type | None:
    """The dataclass an annotation names (`EvalSettings` or `EvalSettings | None`), else None."""
    options = typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, types.UnionType) \
        else (annotation,)
    return next((o for o in options if dataclasses.is_dataclass(o)), None)


def _arguments(target: str, raw: Any, prefix: str, where: _Where) -> dict[str, Any]:
    """A section passed to a library class: each key must be one of its arguments, with a fitting value."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise RecipeError(f"{where.at(prefix)}: expected a mapping of {target} arguments")
    accepted = arguments(target)
    checked = {}
    for name, value in raw.items():
        key = f"{prefix}.{name}"
        if name in HARNESS_SET[prefix]:
            raise RecipeError(f"{where.at(key)}: set by harness ({HARNESS_SET[prefix][name]})")
        if name not in accepted:
            close = difflib.get_close_matches(str(name), accepted, n=3, cutoff=0.6)
            suggestion = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
            raise RecipeError(f"{where.at(key)}: {target} has no argument {name!r}; {suggestion}"
                              f"its arguments are listed in its documentation")
        checked[name] = _check(value, accepted[name], key, where, scalars_as_str=False)
    return checked


def _public_fields(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def _check(value: Any, expected: Any, key: str, where: _Where, *, scalars_as_str: bool = True) -> Any:
    """`value` if it fits the annotation `expected` (ints widen to float; numbers to str where harness's own
    keys expect one, never for library arguments: `target_modules: 7` is a mistake), else RecipeError."""
    ok, coerced = _fits(value, expected, scalars_as_str)
    if not ok:
        raise RecipeError(f"{where.at(key)}: got {value!r} ({type(value).__name__}); expected {describe(expected)}")
    return coerced


def _fits(value: Any, expected: Any, scalars_as_str: bool = True) -> tuple[bool, Any]:
    origin = typing.get_origin(expected)
    args = typing.get_args(expected)
    if origin in (typing.Union, types.UnionType):
        for option in args:
            ok, coerced = _fits(value, option, scalars_as_str)
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
        checked = [_fits(v, args[0], scalars_as_str) for v in value]
        return all(ok for ok, _ in checked), [v for _, v in checked]
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(k, str) for k in value), value
    if origin is tuple or expected is tuple:
        return isinstance(value, (list, tuple)), value
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
        ok = isinstance(value, (str, int, float) if scalars_as_str else str) and not isinstance(value, bool)
        return ok, str(value) if ok else value
    return isinstance(value, expected), value


def _number(text: str) -> int | float | str:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text
