"""harness gate: regression gates for CIs without pytest; exit status 0 = every gate passed, 1 = one failed."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gate", help="check runs against a baseline or a gates file; exit 1 on a regression")
    p.add_argument("run", nargs="?", help="run directory to check against --baseline")
    p.add_argument("--gates", action="append", default=[], metavar="FILE",
                   help="gates file (TOML [[gate]] tables or YAML `gates:` list); repeatable")
    p.add_argument("--baseline", help="baseline run directory (or its summary.json)")
    p.add_argument("--metric", action="append", default=[],
                   help="metric to gate; repeatable (default: the run's headline metric)")
    p.add_argument("--tolerance", type=float, default=0.0,
                   help="allowed drop: fail if run - baseline < -TOLERANCE (default 0)")
    p.add_argument("--no-significant-drop", action="store_true",
                   help="instead of a tolerance, fail only on a significant drop (McNemar / paired CI)")
    p.add_argument("--max-flips", type=int, help="fail if more examples than this changed their verdict")
    p.add_argument("--force", action="store_true", help="compare even if data, limit or prompt template differ")
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (default 1000)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from harness.console import make_console

    from harness.api import gate, gate_file
    from harness.errors import ConfigError

    if args.gates and (args.run or args.baseline):
        raise ConfigError("give either --gates FILE, or --baseline BASELINE_RUN and RUN, not both")
    if args.gates:
        results = [r for path in args.gates for r in gate_file(path, n_resamples=args.resamples)]
    else:
        if not (args.run and args.baseline):
            raise ConfigError("give --gates FILE, or both --baseline BASELINE_RUN and RUN")
        conditions = ({"no_significant_drop": True} if args.no_significant_drop
                      else {"min_delta": -args.tolerance})
        results = [gate(args.run, args.baseline, metric=metric, max_flips=args.max_flips, force=args.force,
                        source="command line", n_resamples=args.resamples, **conditions)
                   for metric in (args.metric or [None])]
    console = make_console()
    for result in results:
        style = "green" if result.passed else "red"
        console.print(result.report(), style=style, markup=False, highlight=False, soft_wrap=True)
    failed = sum(not r.passed for r in results)
    console.print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0
