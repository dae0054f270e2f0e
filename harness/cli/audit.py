"""harness audit BENCHMARK: check the gold of a benchmark split (failing, empty, tied, slow, duplicated ...)."""
from __future__ import annotations

import argparse
from pathlib import Path

from harness.benchmarks import BENCHMARKS


def add_parser(sub: argparse._SubParsersAction) -> None:
    from harness.cli.common import _key_value

    p = sub.add_parser("audit", help="audit a benchmark's gold answers and write audit.json")
    p.add_argument("benchmark", choices=sorted(BENCHMARKS))
    p.add_argument("--data", help="benchmark data (default: the small benchmark the project ships)")
    p.add_argument("--split", help="split to audit (default: the benchmark's test split)")
    p.add_argument("--out", default=".", help="folder for audit.json (default: the current folder)")
    p.add_argument("--option", "-O", action="append", default=[], metavar="KEY=VALUE", type=_key_value,
                   help="benchmark option, e.g. -O timeout_s=10 (repeatable)")
    p.add_argument("--show", type=int, default=5, help="example indices listed per category (default 5)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from rich.console import Console

    from harness.benchmarks import get_benchmark
    from harness.trust.audit import audit, write_audit

    options = {"data": args.data, **dict(args.option), **({"split": args.split} if args.split else {})}
    benchmark = get_benchmark(args.benchmark, **options)
    result = audit(benchmark)
    console = Console()
    if result is None:
        console.print(f"no audit is defined for benchmark {benchmark.name!r}")
        return 0
    path = write_audit(result, Path(args.out) / "audit.json")
    console.print(f"{benchmark.name} audit: {result.sentence()}", highlight=False)
    for category, indices in result.findings.items():
        if indices:
            more = f" ... (+{len(indices) - args.show})" if len(indices) > args.show else ""
            console.print(f"  {category:<22} {len(indices):>5}  {', '.join(map(str, indices[: args.show]))}{more}",
                          highlight=False)
    if result.slowest:
        console.print("  slowest gold: " + ", ".join(f"#{i} {s:.3f}s" for i, s in result.slowest[: args.show]),
                      highlight=False)
    console.print(f"{path}  (fingerprint {result.fingerprint[:16]})", highlight=False)
    return 0
