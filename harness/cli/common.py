"""Options and output shared by the subcommands that evaluate (run, score)."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Sequence

import yaml
from rich.console import Console
from rich.table import Table

from harness.benchmarks import BENCHMARKS
from harness.console import make_console
from harness.runs.records import Run, RunSummary


def add_benchmark_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("benchmark", choices=sorted(BENCHMARKS))
    parser.add_argument("--data", help="benchmark data (default: the small benchmark the project ships)")
    parser.add_argument("--split", default=None, help="split to evaluate (default: the benchmark's test split)")
    parser.add_argument("--limit", type=positive_int, help="only the first N examples (N >= 1)")
    parser.add_argument("--out", help="run directory (default: runs/<benchmark>-<time>)")
    parser.add_argument("--option", "-O", action="append", default=[], metavar="KEY=VALUE", type=_key_value,
                        help="benchmark option, value in YAML syntax; e.g. -O include_dbs=[concert,shop] "
                             "-O timeout_s=10 (repeatable)")


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
        return key.strip(), yaml.safe_load(value)
    except yaml.YAMLError as err:
        raise argparse.ArgumentTypeError(f"{text!r}: value is not valid YAML ({err})") from None


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
