"""harness compare RUN_A RUN_B: B - A per metric with paired bootstrap CIs, McNemar, flipped examples."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare two runs on the same examples (A = baseline, B = candidate)")
    p.add_argument("run_a", help="baseline run directory (or its summary.json)")
    p.add_argument("run_b", help="candidate run directory")
    p.add_argument("--force", action="store_true",
                   help="compare even if data, --limit or prompt template differ (pairs shared examples)")
    p.add_argument("--metric", help="metric whose flipped examples are listed (default: the headline metric)")
    p.add_argument("--show", type=int, default=10, help="flipped examples listed per direction (default 10)")
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (default 1000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", metavar="FILE", help="also write the comparison as JSON")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from harness.console import make_console

    from harness.api import compare
    from harness.errors import ConfigError
    from harness.report.compare import comparison_table, comparison_to_json, flips_text

    comp = compare(args.run_a, args.run_b, force=args.force, n_resamples=args.resamples, seed=args.seed)
    console = make_console()
    for difference in comp.differences:
        console.print(f"[yellow]forced despite:[/] {difference}")
    console.print(comparison_table(comp))
    metric = args.metric or comp.a.summary.primary_metric
    if metric not in comp.metrics:
        raise ConfigError(f"--metric {metric}: not in both runs; choose one of {', '.join(comp.metrics)}")
    if comp.metrics[metric].mcnemar is not None:
        console.print(flips_text(comp, metric, limit=args.show), markup=False, highlight=False, soft_wrap=True)
    if args.json:
        Path(args.json).write_text(json.dumps(comparison_to_json(comp), indent=2) + "\n")
    return 0
