"""Options and output shared by the subcommands that evaluate (run, score)."""
from __future__ import annotations

import argparse
import collections.abc
import dataclasses
import json
import re
import types
import typing
from pathlib import Path
from typing import Any, Mapping, Sequence

from rich.console import Console
from rich.table import Table

from harness.benchmarks import BENCHMARKS
from harness.console import make_console
from harness.options import option_default, option_types
from harness.runs.records import Run, RunSummary


def add_benchmark_args(parser: argparse.ArgumentParser) -> None:
    """The benchmark and its data and options; `-h/--help` after the benchmark also lists its options (build the
    parser with add_help=False)."""
    parser.add_argument("-h", "--help", action=_HelpWithBenchmarkOptions, nargs=0,
                        help="show this help (after BENCHMARK: with its -O options) and exit")
    # Optional for argparse so that a list option swallowing it (--adapter a b spider) gets a clear error.
    # The registry itself, not a list of its names: a built-in name is checked without reading entry points.
    parser.add_argument("benchmark", nargs="?", choices=BENCHMARKS, metavar="BENCHMARK",
                        help="one of %(choices)s (required)")
    parser.add_argument("--data", help="benchmark data (default: the small benchmark the project ships)")
    parser.add_argument("--split", default=None, help="split to evaluate (default: the benchmark's test split)")
    parser.add_argument("--limit", type=positive_int, help="only the first N examples (N >= 1)")
    parser.add_argument("--out", help="run directory (default: runs/<benchmark>-<time>)")
    parser.add_argument("--option", "-O", action="append", default=[], metavar="KEY=VALUE", type=_key_value,
                        help="benchmark option, value in YAML syntax; e.g. -O include_dbs=[concert,shop] "
                             "-O timeout_s=10 (repeatable; `harness run BENCHMARK --help` lists them)")


def benchmark_name(args: argparse.Namespace) -> str:
    """The benchmark positional; its absence is a ConfigError that says where it goes."""
    from harness.errors import ConfigError

    if args.benchmark is not None:
        return args.benchmark
    swallowed = [a for a in getattr(args, "adapter", []) if a in BENCHMARKS]
    hint = f" (--adapter took {swallowed[-1]!r} as an adapter)" if swallowed else ""
    raise ConfigError(f"no benchmark given{hint}: put it first, e.g. harness {args.command} spider --adapter A B")


class _HelpWithBenchmarkOptions(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        parser.print_help()
        if getattr(namespace, "benchmark", None):
            print("\n" + benchmark_options_text(namespace.benchmark))
        parser.exit()


def benchmark_options_text(name: str) -> str:
    """The benchmark's Config as text: each -O option with its type, default and help."""
    import textwrap

    from harness.options import describe
    from harness.registry import load

    config = load(BENCHMARKS, name, "benchmark").Config
    hints = option_types(config)
    lines = [f"{name} options (-O KEY=VALUE, values in YAML):"]
    for f in dataclasses.fields(config):
        lines.append(f"  {f.name}: {describe(hints[f.name])}, default {_show(option_default(f))}")
        lines += textwrap.wrap(f.metadata.get("help", ""), 100, initial_indent=" " * 6, subsequent_indent=" " * 6)
    return "\n".join(lines) if len(lines) > 1 else f"{name} has no -O options"


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value}: expected a positive integer")
    return value


def _key_value(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=VALUE")
    try:
        return key.strip(), parse_yaml(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r}: value is not valid YAML ({err})") from None


# Values read as YAML reads them without importing yaml (a tenth of `harness score`'s start-up): the ones -O
# takes most often.
_PLAIN_VALUES = {"true": True, "false": False, "null": None}
_DECIMAL_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")


def parse_yaml(text: str) -> Any:
    """`yaml.safe_load(text)`, with a YAMLError raised as ValueError."""
    if text in _PLAIN_VALUES:
        return _PLAIN_VALUES[text]
    if _DECIMAL_INTEGER.fullmatch(text):
        return int(text)
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ValueError(str(err)) from None


def print_summaries(run: Run, console: Console | None = None) -> None:
    """A table of every metric with its 95% CI per variant, one of the headline metric per breakdown tag,
    then the verdict counts and where each run was written."""
    console = console or make_console()
    results = [(v.path, v.summary) for v in run]
    if not results:
        return
    first = results[0][1]
    table = Table(title=f"{first.benchmark} (n={first.n}), 95% bootstrap CIs")
    table.add_column("metric")
    for _, s in results:
        table.add_column(s.variant, justify="right")
    for metric in first.metrics:
        table.add_row(metric, *(_with_ci(s, metric) for _, s in results))
    console.print(table)
    for tag, groups in first.breakdowns.items():
        by_tag = Table(title=f"{first.primary_metric} by {tag}")
        by_tag.add_column(tag)
        by_tag.add_column("n", justify="right")
        for _, s in results:
            by_tag.add_column(s.variant, justify="right")
        for value, group in groups.items():
            cells = [f"{s.breakdowns[tag].get(value, {}).get(s.primary_metric, float('nan')):.3f}" for _, s in results]
            by_tag.add_row(value, str(group["n"]), *cells)
        console.print(by_tag)
    for path, s in results:
        verdicts = ", ".join(f"{k} {v}" for k, v in sorted(s.verdicts.items()))
        console.print(f"{s.variant}: {verdicts + '; ' if verdicts else ''}records in {path}")
    _print_trust(results, console)


def _print_trust(results: Sequence[tuple[Path, RunSummary]], console: Console) -> None:
    from rich.markup import escape

    from harness.trust.runs import lines

    audit = results[0][1].extra.get("trust", {}).get("audit")
    if audit:
        console.print(f"gold audit: {escape(audit['sentence'])} (harness audit {results[0][1].benchmark} lists them)")
    for _, s in results:
        for level, text in lines(s.variant, s.extra.get("trust", {})):
            console.print(f"[yellow]warning:[/] {escape(text)}" if level == "warn" else escape(text))


def _with_ci(summary: RunSummary, metric: str) -> str:
    m = summary.metrics.get(metric)
    return "-" if m is None else f"{m.value:.3f} [{m.ci_low:.3f}, {m.ci_high:.3f}]"


# Backend options become flags of `harness run`: one group per registered backend, built from its Options.
# Their values land under BACKEND_DEST + name, and only when given, so each backend keeps its own defaults.
BACKEND_DEST = "backend_option:"


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    """`--field-name` flags for every field of every registered backend's Options, grouped per backend; a field
    several backends share (same name) is one flag, listed in the first backend's group."""
    from harness.backends import BACKENDS, backend_class

    actions: dict[str, tuple[argparse.Action, list[tuple[str, Any]]]] = {}
    for name in BACKENDS:
        options = backend_class(name).Options
        hints = option_types(options)
        group = parser.add_argument_group(f"{name} backend (--backend {name})")
        shared = []
        for f in dataclasses.fields(options):
            if f.name in actions:
                actions[f.name][1].append((name, option_default(f)))
                shared.append(_flag(f.name))
                continue
            action = group.add_argument(_flag(f.name), dest=BACKEND_DEST + f.name, default=argparse.SUPPRESS,
                                        help=f.metadata.get("help", ""), **_argument_type(hints[f.name], f))
            actions[f.name] = (action, [(name, option_default(f))])
        if shared:
            group.description = f"also {', '.join(shared)} (above)"
    for action, owners in actions.values():
        action.help = f"{action.help}{_owners_and_defaults(owners)}"


def backend_options_given(args: argparse.Namespace, backends: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The backend flags given on the command line, per backend in `backends`; a flag none of them takes is a
    ConfigError naming the backends that do."""
    from harness.backends import BACKENDS, backend_class
    from harness.errors import ConfigError

    given = {k.removeprefix(BACKEND_DEST): v for k, v in vars(args).items() if k.startswith(BACKEND_DEST)}
    takes = {b: {f.name for f in dataclasses.fields(backend_class(b).Options)} for b in BACKENDS}
    for key in given:
        if not any(key in takes[b] for b in backends):
            owners = [b for b in BACKENDS if key in takes[b]]
            raise ConfigError(f"{_flag(key)} is an option of --backend {' or '.join(owners)}, not of "
                              f"--backend {' or '.join(backends)}")
    return {b: {k: v for k, v in given.items() if k in takes[b]} for b in backends}


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _argument_type(hint: Any, f: dataclasses.Field) -> dict[str, Any]:
    """argparse keywords for one option: bool switches, Literal choices, numbers, strings; anything else (a
    mapping, a list) is read as YAML (JSON is YAML) and checked against its type when the options are built."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        arms = [arm for arm in typing.get_args(hint) if arm is not type(None)]
        hint = arms[0] if len(arms) == 1 else Any
    if hint is bool:
        return {"action": argparse.BooleanOptionalAction if option_default(f) else "store_true"}
    metavar = f.name.upper()
    if typing.get_origin(hint) is typing.Literal:
        choices = typing.get_args(hint)
        return {"choices": choices, "type": type(choices[0])}
    if hint in (int, float, str):
        return {"type": hint, "metavar": metavar}
    return {"type": _yaml_value, "metavar": "JSON" if hint in (dict, Mapping) or typing.get_origin(hint) in
            (dict, collections.abc.Mapping) else metavar}


def _owners_and_defaults(owners: list[tuple[str, Any]]) -> str:
    """` (hf, vllm; default: auto)`: which backends take a shared flag, and each one's default where they differ."""
    which = ", ".join(b for b, _ in owners) if len(owners) > 1 else ""
    shown = [(b, _show(d)) for b, d in owners if d is not None and d is not False]
    if len({d for _, d in shown}) > 1:
        default = "default: " + ", ".join(f"{d} ({b})" for b, d in shown)
    else:
        default = f"default: {shown[0][1]}" if shown else ""
    parts = [part for part in (which, default) if part]
    return f" ({'; '.join(parts)})" if parts else ""


def _show(value: Any) -> str:
    """A default as YAML/JSON would write it: true, null, {}, [a, b]; strings as they are."""
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _yaml_value(text: str) -> Any:
    try:
        return parse_yaml(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r} is not valid JSON/YAML ({err})") from None
