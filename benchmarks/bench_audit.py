"""What the gold audit costs a user: the same `harness` command, whole process, timed three ways.

* cold: this tree, audit cache emptied first (the first run on new data pays for the audit);
* cached: this tree, audit cached (every repeated run);
* baseline: a checkout without the trust checks (``--baseline DIR``, e.g. ``git worktree add /tmp/base <sha>``).

The three alternate round by round (``--repeats``, default 5) and medians are printed with the command. Every run
uses a private ``HARNESS_CACHE_DIR`` (generations and the built mini Spider are warmed once, before timing).

Usage: python benchmarks/bench_audit.py --baseline DIR [--repeats 5] [-- HARNESS ARGS...]
Default HARNESS ARGS: score spider --predictions reports/golden/spider-mini-dev.predictions.jsonl
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
DEFAULT = ["score", "spider", "--predictions", "reports/golden/spider-mini-dev.predictions.jsonl"]


def timed(tree: Path, argv: list[str], cache: Path, out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree), "HARNESS_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))",
                    *argv, "--out", str(out)], cwd=tree, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout without harness/trust")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("argv", nargs="*", default=DEFAULT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp) / "out"
        for tree in (HERE, args.baseline):  # warm: build mini Spider, generate once, audit once
            timed(tree, args.argv, cache, out / "warm")
        times: dict[str, list[float]] = {"cold": [], "cached": [], "baseline": []}
        for k in range(args.repeats):
            shutil.rmtree(cache / "audits", ignore_errors=True)
            times["cold"].append(timed(HERE, args.argv, cache, out / f"cold{k}"))
            times["cached"].append(timed(HERE, args.argv, cache, out / f"cached{k}"))
            times["baseline"].append(timed(args.baseline, args.argv, cache, out / f"base{k}"))
            print(f"round {k + 1}: " + ", ".join(f"{name} {v[-1]:.2f}s" for name, v in times.items()), flush=True)
    print(f"command: harness {' '.join(args.argv)}  (medians of {args.repeats}, load {os.getloadavg()[0]:.2f})")
    for name, values in times.items():
        print(f"  {name:<8} {statistics.median(values):6.2f}s  (min {min(values):.2f}, max {max(values):.2f})")


if __name__ == "__main__":
    main()
